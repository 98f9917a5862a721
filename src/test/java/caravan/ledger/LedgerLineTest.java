package caravan.ledger;

import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.List;

import caravan.api.Json;
import com.fasterxml.jackson.core.JsonGenerator;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** A ledger line written field by field is the JSON Jackson's data binding makes of the record, and reads back as it. */
class LedgerLineTest {

    @Test
    void everyFieldIsWrittenAsTheDataBindingWritesIt() throws Exception {
        // every field set: a field of the record that LedgerLine leaves out, misnames or writes otherwise fails here
        LedgerRecord full = new LedgerRecord("r-1", 1_767_225_600_000L, "4bf92f3577b34da6a3ce929d0e0e4736", "acme", "search",
                "key_1", "alice", "s-1", "t-1", "/v1/messages", "support", "anthropic", "claude-haiku-4-5", "support", 2, 502,
                "upstream_error", true, 100, 20, 30, 5, 7, true, new BigDecimal("0.000012345678"), 812_400, 120_000L, 1_200,
                "hit", "pii=redacted", new BigDecimal("0.0000042"));
        assertThat(LedgerRecord.class.getRecordComponents()).allSatisfy(component ->
                assertThat(component.getAccessor().invoke(full)).as(component.getName()).isNotNull());

        assertSameAsDataBinding(full);
    }

    @Test
    void nullFieldsAreLeftOutAsTheDataBindingLeavesThemOut() throws Exception {
        LedgerRecord sparse = new LedgerRecord("r-2", 1_767_225_600_000L, null, "default", null, null, null, null, null,
                "/v1/chat/completions", null, "openai", "gpt-4o-mini", "gpt-4o-mini", 1, 200, null, false, 12, 3, 0, 0, 0,
                false, null, 2_000, null, 150, null, null, null);

        String line = assertSameAsDataBinding(sparse);
        assertThat(line).doesNotContain("null");
    }

    @Test
    void textIsEscapedAndMoneyIsAPlainDecimal() throws Exception {
        LedgerRecord odd = new LedgerRecord("r-3", 1L, null, "t\"en\\ant", null, null, "ünïcödé \u2028 ✓", "line\nbreak",
                "tab\there", "/v1/chat/completions", null, "openai", "gpt-4o-mini", "gpt-4o-mini", 1, 499, "client_closed",
                true, Long.MAX_VALUE, 0, 0, 0, 0, true, new BigDecimal("1E-9"), 0, 0L, 0, "miss",
                "pii=redacted;secrets=passed", new BigDecimal("12345678901234567890.123456789012"));

        String line = assertSameAsDataBinding(odd);
        assertThat(line).contains("\"cost_usd\":0.000000001").doesNotContain("E-");
    }

    /** Asserts the line is the data binding's JSON (as a tree: the same fields, values and order) and reads back; returns it. */
    private static String assertSameAsDataBinding(LedgerRecord record) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (JsonGenerator json = Json.FACTORY.createGenerator(bytes)) {
            LedgerLine.write(record, json);
        }
        String line = bytes.toString(StandardCharsets.UTF_8);

        String dataBinding = Json.MAPPER.writeValueAsString(record);
        assertThat(line).isEqualTo(dataBinding);
        byte[] asJournaled = LedgerJournal.lines(List.of(record));
        assertThat(LedgerJournal.readLine(asJournaled, 0, asJournaled.length - 1)).isEqualTo(record);
        return line;
    }
}
