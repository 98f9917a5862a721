package caravan.providers.gemini;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import caravan.api.Json;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * JSON Schema, as OpenAI tools and {@code json_schema} response formats carry it, rewritten into the
 * OpenAPI 3.0 subset Gemini's {@code Schema} accepts. Gemini rejects unknown keywords, so only its own
 * survive: {@code type} becomes its upper-case enum, a {@code "null"} type or alternative becomes
 * {@code nullable}, {@code oneOf} becomes {@code anyOf}, {@code const} a one-value {@code enum}, local
 * {@code $ref}s (as Pydantic writes them) are inlined and {@code allOf} merged; {@code additionalProperties},
 * {@code $schema}, {@code strict} and the like are dropped.
 */
final class JsonSchemaSubset {

    /** Keywords Gemini's Schema shares with JSON Schema, copied as they are. */
    private static final Set<String> SHARED = Set.of("title", "description", "minItems", "maxItems", "minimum",
            "maximum", "minLength", "maxLength", "pattern", "minProperties", "maxProperties", "propertyOrdering",
            "default", "example");
    /** The formats Gemini understands, by type; any other makes it reject the schema. */
    private static final Map<String, Set<String>> FORMATS = Map.of(
            "STRING", Set.of("enum", "date-time"),
            "NUMBER", Set.of("float", "double"),
            "INTEGER", Set.of("int32", "int64"));

    private JsonSchemaSubset() {
    }

    /** The Gemini form of {@code schema}; an empty object for a missing one. */
    static ObjectNode of(JsonNode schema) {
        return schema == null ? Json.MAPPER.createObjectNode() : convert(schema, schema, new ArrayDeque<>());
    }

    private static ObjectNode convert(JsonNode schema, JsonNode root, Deque<String> expanding) {
        ObjectNode out = Json.MAPPER.createObjectNode();
        if (!schema.isObject()) {
            return out;
        }
        if (schema.hasNonNull("$ref")) {
            return reference(schema, root, expanding);
        }
        boolean nullable = schema.path("nullable").asBoolean(false);
        List<String> types = new ArrayList<>();
        JsonNode type = schema.get("type");
        if (type != null && type.isTextual()) {
            types.add(type.asText());
        } else if (type != null && type.isArray()) {
            type.forEach(t -> types.add(t.asText()));
        }
        nullable |= types.remove("null");
        List<JsonNode> alternatives = new ArrayList<>();
        for (String keyword : List.of("anyOf", "oneOf")) {
            for (JsonNode alternative : schema.path(keyword)) {
                if ("null".equals(alternative.path("type").asText(null)) && alternative.size() == 1) {
                    nullable = true;
                } else {
                    alternatives.add(alternative);
                }
            }
        }
        schema.properties().forEach(field -> {
            if (SHARED.contains(field.getKey())) {
                out.set(field.getKey(), field.getValue());
            }
        });
        if (types.size() == 1) {
            out.put("type", types.get(0).toUpperCase(Locale.ROOT));
        } else {
            // ["string","integer"] is a choice between types, which Gemini spells anyOf
            types.forEach(t -> alternatives.add(Json.MAPPER.createObjectNode().put("type", t)));
        }
        if (alternatives.size() == 1 && types.size() != 1) {
            merge(out, convert(alternatives.get(0), root, expanding));
        } else if (!alternatives.isEmpty()) {
            ArrayNode anyOf = out.putArray("anyOf");
            alternatives.forEach(alternative -> anyOf.add(convert(alternative, root, expanding)));
        }
        nullable |= enumeration(schema, out);
        structure(schema, root, expanding, out);
        for (JsonNode part : schema.path("allOf")) {
            merge(out, convert(part, root, expanding));
        }
        String format = schema.path("format").asText(null);
        if (format != null && FORMATS.getOrDefault(out.path("type").asText(), Set.of()).contains(format)) {
            out.put("format", format);
        }
        if (nullable) {
            out.put("nullable", true);
        }
        return out;
    }

    /** {@code enum} and {@code const} as Gemini's string enum; says whether null was one of the values. */
    private static boolean enumeration(JsonNode schema, ObjectNode out) {
        JsonNode values = schema.has("const") ? Json.MAPPER.createArrayNode().add(schema.get("const")) : schema.get("enum");
        if (values == null || !values.isArray()) {
            return false;
        }
        boolean nullable = false;
        ArrayNode strings = out.putArray("enum");
        for (JsonNode value : values) {
            if (value.isNull()) {
                nullable = true;
            } else {
                strings.add(value.asText());
            }
        }
        if (!out.has("type")) {
            out.put("type", "STRING");
        }
        return nullable;
    }

    private static void structure(JsonNode schema, JsonNode root, Deque<String> expanding, ObjectNode out) {
        JsonNode properties = schema.get("properties");
        if (properties != null && properties.isObject()) {
            ObjectNode converted = out.putObject("properties");
            properties.properties().forEach(p -> converted.set(p.getKey(), convert(p.getValue(), root, expanding)));
            ArrayNode required = out.putArray("required");
            // Gemini rejects a required name that is not a property
            schema.path("required").forEach(name -> {
                if (converted.has(name.asText())) {
                    required.add(name.asText());
                }
            });
            if (required.isEmpty()) {
                out.remove("required");
            }
            out.putIfAbsent("type", out.textNode("OBJECT"));
        }
        JsonNode items = schema.get("items");
        // a tuple (items as an array) has no Gemini form; its first element's schema is the closest
        JsonNode itemSchema = items != null && items.isArray() ? items.path(0) : items;
        if (itemSchema != null && itemSchema.isObject()) {
            out.set("items", convert(itemSchema, root, expanding));
            out.putIfAbsent("type", out.textNode("ARRAY"));
        }
    }

    /**
     * A local reference ({@code #/$defs/Name}) is inlined with the annotations written beside it; one
     * that refers back to a schema being expanded cannot be inlined and becomes a plain OBJECT.
     */
    private static ObjectNode reference(JsonNode schema, JsonNode root, Deque<String> expanding) {
        String ref = schema.get("$ref").asText();
        JsonNode target = ref.startsWith("#") ? root.at(ref.substring(1)) : null;
        ObjectNode resolved;
        if (target == null || target.isMissingNode() || expanding.contains(ref)) {
            resolved = Json.MAPPER.createObjectNode().put("type", "OBJECT");
        } else {
            expanding.push(ref);
            resolved = convert(target, root, expanding);
            expanding.pop();
        }
        schema.properties().forEach(field -> {
            if (SHARED.contains(field.getKey())) {
                resolved.set(field.getKey(), field.getValue());
            }
        });
        if (schema.path("nullable").asBoolean(false)) {
            resolved.put("nullable", true);
        }
        return resolved;
    }

    /** Adds {@code from} to {@code into}: properties and required names join, other keywords already set win. */
    private static void merge(ObjectNode into, ObjectNode from) {
        from.properties().forEach(field -> {
            JsonNode existing = into.get(field.getKey());
            if (existing instanceof ObjectNode object && "properties".equals(field.getKey())) {
                object.setAll((ObjectNode) field.getValue());
            } else if (existing instanceof ArrayNode array && "required".equals(field.getKey())) {
                field.getValue().forEach(name -> {
                    if (!contains(array, name.asText())) {
                        array.add(name);
                    }
                });
            } else if (existing == null) {
                into.set(field.getKey(), field.getValue());
            }
        });
    }

    private static boolean contains(ArrayNode names, String name) {
        for (JsonNode existing : names) {
            if (existing.asText().equals(name)) {
                return true;
            }
        }
        return false;
    }
}
