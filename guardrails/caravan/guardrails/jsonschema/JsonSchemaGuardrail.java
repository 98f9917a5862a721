package caravan.guardrails.jsonschema;

import java.io.IOException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import caravan.api.ChatResponse;
import caravan.api.Json;
import caravan.guardrails.Check;
import caravan.guardrails.Guardrail;
import caravan.guardrails.GuardrailServices;
import caravan.guardrails.SettingsBinder;
import caravan.guardrails.Stage;
import caravan.guardrails.Verdict;
import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.SpecificationVersion;

/**
 * {@code json_schema}: the answer against what the request said it must be. Content against
 * {@code response_format}'s {@code json_schema.schema} (or a JSON object for {@code json_object}); each tool
 * call's arguments against its tool's {@code parameters}, and only tools the request offered. A breach makes
 * the answer unusable: a fallback route asks its next model, else the client gets 502
 * {@code guardrail_failed}. Schemas are compiled once per distinct schema (JSON Schema 2020-12 unless the
 * schema says otherwise), never fetch anything remote, and run their patterns in linear time.
 */
public final class JsonSchemaGuardrail implements Guardrail {

    public static final String NAME = "json_schema";
    private static final int CACHED_SCHEMAS = 256;
    private static final int ERRORS_SHOWN = 3;

    private static final SchemaRegistry REGISTRY = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12,
            builder -> builder
                    .schemaRegistryConfig(SchemaRegistryConfig.builder()
                            .regularExpressionFactory(Re2RegularExpressions.INSTANCE)
                            .build())
                    // a schema comes with the client's request: a $ref must never make the gateway fetch a URL
                    .schemaLoader(loader -> loader.fetchRemoteResources(false)));

    /** Compiled schemas by their JSON (requests repeat their schema call after call), least recently used first out. */
    private static final Map<JsonNode, Schema> SCHEMAS = Collections.synchronizedMap(
            new LinkedHashMap<>(CACHED_SCHEMAS * 2, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<JsonNode, Schema> eldest) {
                    return size() > CACHED_SCHEMAS;
                }
            });

    /** No settings of its own: the schemas are the request's. */
    public static final class Settings {
    }

    public static Guardrail create(Map<String, Object> settings, GuardrailServices services) {
        SettingsBinder.bind(new Settings(), settings, NAME);
        return new JsonSchemaGuardrail();
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Stage defaultStage() {
        return Stage.POST;
    }

    @Override
    public boolean checks(Stage stage) {
        return stage == Stage.POST;
    }

    @Override
    public boolean judgesUsability() {
        return true;
    }

    @Override
    public CompletionStage<Verdict> check(Check check) {
        ChatResponse response = check.response();
        if (response == null) {
            return CompletableFuture.completedFuture(Verdict.pass());
        }
        try {
            return CompletableFuture.completedFuture(judge(check.request().json(), response.json()));
        } catch (SchemaUnusable e) {
            return CompletableFuture.completedFuture(Verdict.unavailable(e.getMessage(), true));
        }
    }

    /** The verdict on every choice of {@code answer} against what {@code request} asked for. */
    static Verdict judge(JsonNode request, JsonNode answer) {
        JsonNode format = request.path("response_format");
        String formatType = format.path("type").asText("");
        for (JsonNode choice : answer.path("choices")) {
            JsonNode message = choice.path("message");
            JsonNode content = message.get("content");
            JsonNode calls = message.path("tool_calls");
            boolean hasContent = content != null && content.isTextual() && !content.asText().isEmpty();
            if (hasContent && (formatType.equals("json_schema") || formatType.equals("json_object"))) {
                String problem = contentProblem(format, formatType, content.asText());
                if (problem != null) {
                    return Verdict.scored(1, problem);
                }
            }
            for (JsonNode call : calls) {
                String problem = toolCallProblem(request.path("tools"), call.path("function"));
                if (problem != null) {
                    return Verdict.scored(1, problem);
                }
            }
        }
        return Verdict.pass();
    }

    private static String contentProblem(JsonNode format, String formatType, String content) {
        JsonNode value = parse(content);
        if (value == null || !value.isContainerNode() && formatType.equals("json_object")) {
            return "the answer is not the JSON " + (formatType.equals("json_object") ? "object" : "value")
                    + " the request's response_format asked for.";
        }
        if (formatType.equals("json_object")) {
            return value.isObject() ? null : "the answer is not the JSON object the request's response_format asked for.";
        }
        JsonNode schema = format.path("json_schema").get("schema");
        if (schema == null || !schema.isObject()) {
            return null;
        }
        List<Error> errors = schema(schema).validate(value);
        return errors.isEmpty() ? null : "the answer does not match the response_format schema: " + describe(errors) + ".";
    }

    private static String toolCallProblem(JsonNode tools, JsonNode function) {
        String name = function.path("name").asText("");
        JsonNode parameters = null;
        boolean offered = false;
        for (JsonNode tool : tools) {
            JsonNode declared = tool.path("function");
            if (name.equals(declared.path("name").asText(null))) {
                offered = true;
                parameters = declared.get("parameters");
                break;
            }
        }
        if (!offered) {
            return "the answer calls a tool the request does not offer.";
        }
        JsonNode arguments = parse(function.path("arguments").asText(""));
        if (arguments == null) {
            return "the arguments of the call to tool '" + name + "' are not JSON.";
        }
        if (parameters == null || !parameters.isObject()) {
            return null;
        }
        List<Error> errors = schema(parameters).validate(arguments);
        return errors.isEmpty() ? null : "the arguments of the call to tool '" + name + "' do not match its parameters: "
                + describe(errors) + ".";
    }

    private static Schema schema(JsonNode json) {
        Schema schema = SCHEMAS.get(json);
        if (schema == null) {
            try {
                schema = REGISTRY.getSchema(json);
                // compiling is lazy: validating an empty object once makes a bad schema fail here, not per answer
                schema.validate(Json.MAPPER.createObjectNode());
            } catch (RuntimeException e) {
                throw new SchemaUnusable("the request's schema cannot be used: " + e.getMessage());
            }
            SCHEMAS.put(json, schema);
        }
        return schema;
    }

    /** The first errors, as the validator words them (paths and expectations, from the schema). */
    private static String describe(List<Error> errors) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < Math.min(ERRORS_SHOWN, errors.size()); i++) {
            if (i > 0) {
                text.append("; ");
            }
            text.append(errors.get(i).getMessage());
        }
        if (errors.size() > ERRORS_SHOWN) {
            text.append("; and ").append(errors.size() - ERRORS_SHOWN).append(" more");
        }
        return text.toString();
    }

    private static JsonNode parse(String text) {
        try {
            return Json.MAPPER.readTree(text);
        } catch (IOException e) {
            return null;
        }
    }

    /** A schema from the request that cannot be compiled here. */
    private static final class SchemaUnusable extends RuntimeException {
        SchemaUnusable(String message) {
            super(message, null, false, false);
        }
    }
}
