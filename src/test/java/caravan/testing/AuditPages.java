package caravan.testing;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

/** The audit log of a gateway under test as its admin API lists it, page after page. */
public final class AuditPages {

    private AuditPages() {
    }

    /** Every record after {@code afterSeq}, oldest first. */
    public static List<JsonNode> after(Admin admin, long afterSeq) {
        List<JsonNode> records = new ArrayList<>();
        long after = afterSeq;
        while (true) {
            JsonNode page = admin.get("/admin/audit?after=" + after + "&limit=1000");
            page.get("data").forEach(records::add);
            if (!page.get("has_more").asBoolean()) {
                return records;
            }
            after = records.get(records.size() - 1).get("seq").asLong();
        }
    }

    public static List<JsonNode> all(Admin admin) {
        return after(admin, 0);
    }

    /** The seq of the last record (0 for none). */
    public static long lastSeq(Admin admin) {
        List<JsonNode> records = all(admin);
        return records.isEmpty() ? 0 : records.get(records.size() - 1).get("seq").asLong();
    }
}
