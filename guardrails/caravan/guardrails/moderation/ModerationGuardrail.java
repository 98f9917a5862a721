package caravan.guardrails.moderation;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

import caravan.api.GatewayException;
import caravan.api.ModerationRequest;
import caravan.api.ModerationResult;
import caravan.api.Variables;
import caravan.catalog.ProviderRoutes;
import caravan.guardrails.Check;
import caravan.guardrails.Guardrail;
import caravan.guardrails.GuardrailServices;
import caravan.guardrails.SettingsBinder;
import caravan.guardrails.Source;
import caravan.guardrails.Stage;
import caravan.guardrails.TextSlot;
import caravan.guardrails.Verdict;
import org.apache.camel.AsyncProducer;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.support.DefaultExchange;
import org.apache.camel.support.service.ServiceHelper;

/**
 * {@code moderation}: asks a provider's moderation endpoint through the gateway's own provider route
 * ({@code direct:provider-<provider>}, operation {@code moderation}), so the call goes out with the provider's
 * key, or the caller's tenant's own account there, like any model call. The score is 1 when the provider flags
 * a text, else its highest category score, against the configured {@code threshold}. Pre stage: what the user
 * and third parties wrote; post stage: the answer. When the provider cannot be asked in time, the call goes on
 * ({@code failOpen: true}) or is blocked (the default).
 */
public final class ModerationGuardrail implements Guardrail {

    public static final String NAME = "moderation";

    /** The guardrail's own settings. */
    public static final class Settings {
        private String provider = "openai";
        private String model;
        private long timeoutMs = 2000;
        private boolean failOpen;

        /** The provider whose route makes the call (its codec must have a moderation endpoint: openai). */
        public void setProvider(String provider) {
            this.provider = provider;
        }

        /** The provider's moderation model; its default when unset ({@code omni-moderation-latest}). */
        public void setModel(String model) {
            this.model = model;
        }

        public void setTimeoutMs(long timeoutMs) {
            if (timeoutMs < 1) {
                throw new IllegalArgumentException("timeoutMs must be at least 1");
            }
            this.timeoutMs = timeoutMs;
        }

        /** Whether a call goes on when the moderation endpoint cannot answer (default: it is blocked). */
        public void setFailOpen(boolean failOpen) {
            this.failOpen = failOpen;
        }
    }

    private final Settings settings;
    private final CamelContext context;
    private volatile AsyncProducer route;

    private ModerationGuardrail(Settings settings, CamelContext context) {
        this.settings = settings;
        this.context = context;
    }

    public static Guardrail create(Map<String, Object> settings, GuardrailServices services) {
        return new ModerationGuardrail(SettingsBinder.bind(new Settings(), settings, NAME), services.context());
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
    public boolean computes() {
        return false;
    }

    @Override
    public CompletionStage<Verdict> check(Check check) {
        List<String> input = new ArrayList<>();
        for (TextSlot slot : check.texts().slots()) {
            if ((slot.source() == Source.USER || slot.source() == Source.THIRD_PARTY || slot.source() == Source.ANSWER)
                    && !slot.text().isBlank()) {
                input.add(slot.text());
            }
        }
        if (input.isEmpty()) {
            return CompletableFuture.completedFuture(Verdict.pass());
        }
        Exchange call = check.exchange();
        Exchange moderation = new DefaultExchange(context);
        moderation.setVariable(Variables.OPERATION, ModerationRequest.OPERATION);
        moderation.setVariable(Variables.MODERATION_REQUEST, new ModerationRequest(input, settings.model, settings.timeoutMs));
        // the call's own tenant account at the provider, as a model call would use
        moderation.setVariable(Variables.TENANT, call.getVariable(Variables.TENANT));
        moderation.setVariable(Variables.PROVIDER_ACCOUNTS, call.getVariable(Variables.PROVIDER_ACCOUNTS));
        CompletableFuture<Verdict> verdict = new CompletableFuture<>();
        try {
            route().process(moderation, doneSync -> verdict.complete(judge(moderation)));
        } catch (Exception e) {
            verdict.complete(Verdict.unavailable("the moderation route of provider '" + settings.provider
                    + "' could not be called", settings.failOpen));
        }
        return verdict.completeOnTimeout(Verdict.unavailable("the moderation endpoint did not answer within "
                + settings.timeoutMs + " ms", settings.failOpen), settings.timeoutMs, TimeUnit.MILLISECONDS);
    }

    private Verdict judge(Exchange moderation) {
        Exception failure = moderation.getException();
        if (failure != null) {
            String why = failure instanceof GatewayException gateway ? gateway.getMessage() : "the moderation call failed";
            return Verdict.unavailable(why, settings.failOpen);
        }
        ModerationResult result = moderation.getVariable(Variables.MODERATION_RESULT, ModerationResult.class);
        if (result == null) {
            return Verdict.unavailable("the provider route gave no moderation result", settings.failOpen);
        }
        double score = result.flagged() ? 1 : result.maxScore();
        String reason = "content the moderation endpoint flags"
                + (result.categories().isEmpty() ? "" : " (" + String.join(", ", result.categories()) + ")");
        return score > 0 ? Verdict.scored(score, reason) : Verdict.pass();
    }

    /** The provider's route, made once and started, as the model: endpoint makes its own. */
    private AsyncProducer route() throws Exception {
        AsyncProducer producer = route;
        if (producer == null) {
            synchronized (this) {
                producer = route;
                if (producer == null) {
                    if (!ProviderRoutes.exists(context, settings.provider)) {
                        throw new IllegalStateException("no route serves provider '" + settings.provider + "'");
                    }
                    producer = context.getEndpoint("direct:" + ProviderRoutes.ID_PREFIX + settings.provider)
                            .createAsyncProducer();
                    ServiceHelper.startService(producer);
                    route = producer;
                }
            }
        }
        return producer;
    }
}
