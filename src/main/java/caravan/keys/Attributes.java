package caravan.keys;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** Reads one of the admin's attributes of a key or a tenant ({@code metadata}) as text. */
final class Attributes {

    private Attributes() {
    }

    /** The field's text (a number or a boolean as written), or null when it is absent, null or not a single value. */
    static String text(ObjectNode metadata, String field) {
        JsonNode value = metadata == null ? null : metadata.get(field);
        return value == null || !value.isValueNode() || value.isNull() ? null : value.asText();
    }
}
