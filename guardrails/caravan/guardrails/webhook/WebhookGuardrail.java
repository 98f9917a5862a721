package caravan.guardrails.webhook;

import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

import caravan.api.Json;
import caravan.api.Variables;
import caravan.guardrails.Check;
import caravan.guardrails.Guardrail;
import caravan.guardrails.GuardrailServices;
import caravan.guardrails.SettingsBinder;
import caravan.guardrails.Source;
import caravan.guardrails.Stage;
import caravan.guardrails.TextSlot;
import caravan.guardrails.Verdict;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.camel.AsyncProducer;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.support.DefaultExchange;
import org.apache.camel.support.service.ServiceHelper;

/**
 * {@code webhook}: a team's own evaluator, asked through the {@code guardrail-webhook-action} Kamelet. The
 * text is the newest text of the request on the pre stage (the last message's: what this turn adds, a user's
 * words or a tool's result) and the answer on the post stage; the evaluator answers
 * {@code {"verdict":"allow|block|redact","reason":"...","redacted_text":"..."}}. {@code block} and
 * {@code redact} flag the call; with {@code action: redact} the text is replaced by {@code redacted_text}
 * (without one, the call is blocked). An evaluator that does not answer within {@code timeoutMs}, answers
 * an error or something else fails open ({@code failOpen: true}) or closed (the default).
 */
public final class WebhookGuardrail implements Guardrail {

    public static final String NAME = "webhook";
    static final String KAMELET = "kamelet:guardrail-webhook-action";
    private static final int REASON_CHARS = 200;

    /** The guardrail's own settings. */
    public static final class Settings {
        private String url;
        private long timeoutMs = 1000;
        private boolean failOpen;
        private String token;

        public void setUrl(String url) {
            if (!(url.startsWith("http://") || url.startsWith("https://"))) {
                throw new IllegalArgumentException("url must be http:// or https://");
            }
            this.url = url;
        }

        public void setTimeoutMs(long timeoutMs) {
            if (timeoutMs < 1) {
                throw new IllegalArgumentException("timeoutMs must be at least 1");
            }
            this.timeoutMs = timeoutMs;
        }

        /** Whether a call goes on when the evaluator cannot answer (default: it is blocked). */
        public void setFailOpen(boolean failOpen) {
            this.failOpen = failOpen;
        }

        /** Sent to the evaluator as a bearer token. */
        public void setToken(String token) {
            this.token = token;
        }

        @Override
        public String toString() {
            return "Settings[url=" + url + ", timeoutMs=" + timeoutMs + ", failOpen=" + failOpen + "]";
        }
    }

    private final Settings settings;
    private final CamelContext context;
    private volatile AsyncProducer kamelet;

    private WebhookGuardrail(Settings settings, CamelContext context) {
        this.settings = settings;
        this.context = context;
    }

    public static Guardrail create(Map<String, Object> settings, GuardrailServices services) {
        Settings bound = SettingsBinder.bind(new Settings(), settings, NAME);
        if (bound.url == null) {
            throw new IllegalArgumentException("guardrail 'webhook' needs a url");
        }
        return new WebhookGuardrail(bound, services.context());
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Stage defaultStage() {
        return Stage.PRE;
    }

    @Override
    public boolean checks(Stage stage) {
        return true;
    }

    @Override
    public boolean redacts() {
        return true;
    }

    @Override
    public boolean computes() {
        return false;
    }

    @Override
    public CompletionStage<Verdict> check(Check check) {
        List<TextSlot> slots = check.texts().slots();
        int index = check.stage() == Stage.PRE ? newest(slots) : slots.isEmpty() ? -1 : 0;
        if (index < 0) {
            return CompletableFuture.completedFuture(Verdict.pass());
        }
        TextSlot slot = slots.get(index);
        Exchange ask = new DefaultExchange(context);
        ask.getMessage().setHeader(Exchange.CONTENT_TYPE, "application/json");
        ask.getMessage().setBody(payload(check.stage(), slot, check.exchange().getVariable(Variables.ROUTE, String.class)));
        CompletableFuture<Verdict> verdict = new CompletableFuture<>();
        try {
            kamelet().process(ask, doneSync -> verdict.complete(read(ask, index)));
        } catch (Exception e) {
            verdict.complete(Verdict.unavailable("the evaluator could not be called", settings.failOpen));
        }
        return verdict.completeOnTimeout(Verdict.unavailable("the evaluator did not answer within " + settings.timeoutMs
                + " ms", settings.failOpen), settings.timeoutMs, TimeUnit.MILLISECONDS);
    }

    /** The last text of the last message that has any: what this turn adds. */
    private static int newest(List<TextSlot> slots) {
        for (int i = slots.size() - 1; i >= 0; i--) {
            if (slots.get(i).source() != Source.SYSTEM) {
                return i;
            }
        }
        return -1;
    }

    private static byte[] payload(Stage stage, TextSlot slot, String route) {
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.put("guardrail", NAME);
        body.put("stage", stage.wireName());
        body.put("source", slot.source().name().toLowerCase(Locale.ROOT));
        if (route != null) {
            body.put("route", route);
        }
        body.put("text", slot.text());
        try {
            return Json.MAPPER.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("A JSON tree always serialises", e);
        }
    }

    private Verdict read(Exchange answered, int slot) {
        if (answered.getException() != null) {
            return Verdict.unavailable("the evaluator failed (" + answered.getException().getClass().getSimpleName() + ")",
                    settings.failOpen);
        }
        JsonNode answer;
        try {
            byte[] body = answered.getMessage().getBody(byte[].class);
            answer = body == null ? null : Json.MAPPER.readTree(body);
        } catch (IOException | RuntimeException e) {
            answer = null;
        }
        String verdict = answer == null ? "" : answer.path("verdict").asText("");
        String reason = reason(answer);
        switch (verdict) {
            case "allow" -> {
                return Verdict.pass();
            }
            case "block" -> {
                return Verdict.scored(1, reason);
            }
            case "redact" -> {
                JsonNode redacted = answer.get("redacted_text");
                return redacted != null && redacted.isTextual() ? Verdict.rewritten(Map.of(slot, redacted.asText()), reason)
                        : Verdict.scored(1, reason);
            }
            default -> {
                return Verdict.unavailable("the evaluator's answer has no verdict of allow, block or redact",
                        settings.failOpen);
            }
        }
    }

    /** What the evaluator says it found, in its own words, shortened. */
    private static String reason(JsonNode answer) {
        String given = answer == null ? "" : answer.path("reason").asText("").strip();
        if (given.isEmpty()) {
            return "what the evaluator refuses";
        }
        return "what the evaluator refuses (" + (given.length() > REASON_CHARS ? given.substring(0, REASON_CHARS) + "..." : given)
                + ")";
    }

    private AsyncProducer kamelet() throws Exception {
        AsyncProducer producer = kamelet;
        if (producer == null) {
            synchronized (this) {
                producer = kamelet;
                if (producer == null) {
                    // a URI of its own per evaluator: endpoints are cached by URI; RAW keeps the URL and token as written
                    String uri = KAMELET + "?url=RAW(" + settings.url + ")&timeoutMs=" + settings.timeoutMs
                            + (settings.token == null || settings.token.isEmpty() ? "" : "&token=RAW(" + settings.token + ")");
                    producer = context.getEndpoint(uri).createAsyncProducer();
                    ServiceHelper.startService(producer);
                    kamelet = producer;
                }
            }
        }
        return producer;
    }
}
