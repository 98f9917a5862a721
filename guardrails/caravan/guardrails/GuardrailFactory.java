package caravan.guardrails;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import caravan.guardrails.banned.BannedGuardrail;
import caravan.guardrails.injection.InjectionGuardrail;
import caravan.guardrails.jsonschema.JsonSchemaGuardrail;
import caravan.guardrails.moderation.ModerationGuardrail;
import caravan.guardrails.pii.PiiGuardrail;
import caravan.guardrails.refusal.RefusalGuardrail;
import caravan.guardrails.secrets.SecretsGuardrail;
import caravan.guardrails.size.SizeGuardrail;
import caravan.guardrails.webhook.WebhookGuardrail;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * Makes configured guardrails ({@link GuardrailStep}) from the three places they are written: the
 * {@code GATEWAY_GUARDRAILS} list ({@code pii:redact,secrets:block}), a key's or tenant's {@code guardrails}
 * in the admin API (the same {@code name:action[:stage]} texts, or objects with every option), and a route's
 * {@code guardrail:<name>?action=...} steps. Every place takes the same options: {@code stage},
 * {@code action} (default {@code block}), {@code threshold} (the guardrail's default: 0.5, 0.6 for {@code injection}), {@code sample} (1.0) and {@code mode}
 * ({@code sync}); anything else is the guardrail's own setting, bound onto its settings by name.
 */
public final class GuardrailFactory {

    /** Makes one built-in from its own settings. */
    @FunctionalInterface
    public interface Maker {
        Guardrail make(Map<String, Object> settings, GuardrailServices services);
    }

    private static final Map<String, Maker> BUILT_INS = Map.of(
            PiiGuardrail.NAME, PiiGuardrail::create,
            SecretsGuardrail.NAME, SecretsGuardrail::create,
            InjectionGuardrail.NAME, InjectionGuardrail::create,
            JsonSchemaGuardrail.NAME, JsonSchemaGuardrail::create,
            RefusalGuardrail.NAME, RefusalGuardrail::create,
            BannedGuardrail.NAME, BannedGuardrail::create,
            SizeGuardrail.NAME, SizeGuardrail::create,
            ModerationGuardrail.NAME, ModerationGuardrail::create,
            WebhookGuardrail.NAME, WebhookGuardrail::create);

    private static final Set<String> OPTIONS = Set.of("stage", "action", "threshold", "sample", "mode");

    private final GuardrailServices services;

    public GuardrailFactory(GuardrailServices services) {
        this.services = services;
    }

    /** The built-ins' names, sorted. */
    public static Set<String> names() {
        return new TreeSet<>(BUILT_INS.keySet());
    }

    /**
     * One configured guardrail.
     *
     * @param options the common options and the guardrail's own settings, as text or JSON values
     * @throws IllegalArgumentException naming what is wrong: an unknown guardrail, option or setting, a bad value
     */
    public GuardrailStep create(String name, Map<String, ?> options) {
        Maker maker = BUILT_INS.get(name);
        if (maker == null) {
            throw new IllegalArgumentException("unknown guardrail '" + name + "' (known: " + String.join(", ", names()) + ")");
        }
        Map<String, Object> settings = new LinkedHashMap<>();
        options.forEach((key, value) -> {
            if (!OPTIONS.contains(key) && value != null) {
                settings.put(key, value);
            }
        });
        Guardrail guardrail = maker.make(settings, services);
        return new GuardrailStep(guardrail,
                option(options, "stage") == null ? guardrail.defaultStage() : Stage.of(option(options, "stage")),
                option(options, "action") == null ? Action.BLOCK : Action.of(option(options, "action")),
                number(options, "threshold", guardrail.defaultThreshold()),
                number(options, "sample", 1.0),
                option(options, "mode") == null ? Mode.SYNC : Mode.of(option(options, "mode")));
    }

    /**
     * {@code name:action[:stage]} entries separated by commas, as {@code GATEWAY_GUARDRAILS} writes them;
     * an empty list for blank text.
     */
    public List<GuardrailStep> parseList(String list) {
        List<GuardrailStep> steps = new ArrayList<>();
        if (list == null || list.isBlank()) {
            return steps;
        }
        for (String entry : list.split(",")) {
            if (!entry.isBlank()) {
                steps.add(parseEntry(entry.trim()));
            }
        }
        return steps;
    }

    /** One {@code name:action[:stage]} entry. */
    public GuardrailStep parseEntry(String entry) {
        String[] parts = entry.split(":", -1);
        if (parts.length > 3 || parts[0].isBlank()) {
            throw new IllegalArgumentException("a guardrail is written name:action[:stage], not '" + entry + "'");
        }
        Map<String, String> options = new LinkedHashMap<>();
        if (parts.length > 1) {
            options.put("action", parts[1]);
        }
        if (parts.length > 2) {
            options.put("stage", parts[2]);
        }
        return create(parts[0].trim(), options);
    }

    /**
     * A key's or tenant's {@code guardrails}: an array of {@code name:action[:stage]} texts or of objects
     * ({@code {"name":"banned","action":"block","terms":["..."]}}).
     */
    public List<GuardrailStep> fromJson(JsonNode guardrails) {
        List<GuardrailStep> steps = new ArrayList<>();
        if (guardrails == null || guardrails.isNull()) {
            return steps;
        }
        if (!guardrails.isArray()) {
            throw new IllegalArgumentException("guardrails must be an array");
        }
        for (JsonNode entry : guardrails) {
            if (entry.isTextual()) {
                steps.add(parseEntry(entry.asText()));
            } else if (entry.isObject() && entry.path("name").isTextual()) {
                Map<String, Object> options = new LinkedHashMap<>();
                entry.properties().forEach(field -> {
                    if (!"name".equals(field.getKey())) {
                        options.put(field.getKey(), jsonValue(field.getValue()));
                    }
                });
                steps.add(create(entry.get("name").asText(), options));
            } else {
                throw new IllegalArgumentException("each guardrail is a \"name:action[:stage]\" text or an object with a name");
            }
        }
        return steps;
    }

    private static Object jsonValue(JsonNode value) {
        if (value.isArray()) {
            List<String> items = new ArrayList<>(value.size());
            value.forEach(item -> items.add(item.asText()));
            return items;
        }
        return value.isNull() ? null : value.asText();
    }

    private static String option(Map<String, ?> options, String name) {
        Object value = options.get(name);
        return value == null ? null : String.valueOf(value);
    }

    private static double number(Map<String, ?> options, String name, double fallback) {
        String value = option(options, name);
        if (value == null) {
            return fallback;
        }
        try {
            return Double.parseDouble(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a number between 0 and 1, not '" + value + "'");
        }
    }
}
