package caravan.telemetry;

import java.math.BigDecimal;
import java.util.List;

import caravan.api.ChatRequest;
import caravan.api.ChatResponse;
import caravan.api.GatewayException;
import caravan.api.CallContext;
import caravan.api.Usage;
import caravan.api.Variables;
import caravan.catalog.Prices;
import com.fasterxml.jackson.databind.JsonNode;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.StatusCode;
import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.telemetry.Span;
import org.apache.camel.telemetry.SpanContextPropagationExtractor;
import org.apache.camel.telemetry.SpanContextPropagationInjector;
import org.apache.camel.telemetry.decorators.AbstractSpanDecorator;

import static caravan.telemetry.TelemetryNames.*;

/**
 * The CLIENT span of one provider call ({@code to: provider:...} in a provider Kamelet), named
 * {@code "chat {model}"} with the GenAI semantic conventions' attributes. Each attempt is its own call, so
 * retries and fallbacks show as sibling spans under the request's SERVER span. Never records the
 * endpoint URI: it carries the provider's key.
 */
public class ProviderCallSpanDecorator extends AbstractSpanDecorator {

    private static final AttributeKey<List<String>> FINISH_REASONS =
            AttributeKey.stringArrayKey(GEN_AI_RESPONSE_FINISH_REASONS);

    @Override
    public String getComponent() {
        return "provider";
    }

    @Override
    public String getComponentClassName() {
        return "caravan.providers.ProviderComponent";
    }

    @Override
    public String getOperationName(Exchange exchange, Endpoint endpoint) {
        return OPERATION_CHAT + " " + exchange.getVariable(Variables.UPSTREAM_MODEL, String.class);
    }

    /** Always a child of the request's span: nothing to extract. */
    @Override
    public SpanContextPropagationExtractor getExtractor(Exchange exchange) {
        return HeaderCarriers.NONE;
    }

    @Override
    public SpanContextPropagationInjector getInjector(Exchange exchange) {
        return HeaderCarriers.DISCARD;
    }

    @Override
    public void beforeTracingEvent(Span span, Exchange exchange, Endpoint endpoint) {
        io.opentelemetry.api.trace.Span otel = ((GatewaySpan) span).span();
        if (!otel.isRecording()) {
            return; // not sampled: nothing to describe
        }
        otel.setAttribute(GEN_AI_OPERATION_NAME, OPERATION_CHAT);
        String model = exchange.getVariable(Variables.UPSTREAM_MODEL, String.class);
        if (model != null) {
            otel.setAttribute(GEN_AI_REQUEST_MODEL, model);
        }
        CallContext call = exchange.getVariable(Variables.CALL, CallContext.class);
        if (call != null) {
            otel.setAttribute(CARAVAN_ATTEMPT, call.attemptCount());
        }
        ChatRequest request = exchange.getVariable(Variables.REQUEST, ChatRequest.class);
        if (request != null) {
            JsonNode body = request.json();
            setNumber(otel, GEN_AI_REQUEST_TEMPERATURE, body.get("temperature"));
            setNumber(otel, GEN_AI_REQUEST_TOP_P, body.get("top_p"));
            JsonNode maxTokens = body.has("max_completion_tokens") ? body.get("max_completion_tokens") : body.get("max_tokens");
            if (maxTokens != null && maxTokens.canConvertToLong()) {
                otel.setAttribute(GEN_AI_REQUEST_MAX_TOKENS, maxTokens.asLong());
            }
            otel.setAttribute(CARAVAN_STREAM, request.stream());
            TracingOptions options = TracingOptions.of(exchange.getContext());
            if (options.captureContent()) {
                otel.setAttribute(GEN_AI_INPUT_MESSAGES, options.redactor().redact(request.messages().toString()));
            }
        }
    }

    @Override
    public void afterTracingEvent(Span span, Exchange exchange) {
        io.opentelemetry.api.trace.Span otel = ((GatewaySpan) span).span();
        if (!otel.isRecording()) {
            return;
        }
        // read after the call: a provider without credentials is answered by echo, which renames the attempt
        CallContext call = exchange.getVariable(Variables.CALL, CallContext.class);
        String provider = call != null && call.provider() != null ? call.provider()
                : exchange.getVariable(Variables.PROVIDER, String.class);
        String model = exchange.getVariable(Variables.UPSTREAM_MODEL, String.class);
        // the codec's name for the API, whatever the route calls the provider (bedrock-eu is aws.bedrock)
        String genAiProvider = genAiProviderName(exchange.getVariable(Variables.GEN_AI_PROVIDER, String.class));
        otel.setAttribute(GEN_AI_PROVIDER_NAME, genAiProvider);
        otel.setAttribute(GEN_AI_SYSTEM, genAiProvider);
        otel.setAttribute(CARAVAN_TARGET, provider + "/" + model);
        Exception failure = exchange.getException();
        if (failure != null) {
            GatewayException error = failure instanceof GatewayException gateway ? gateway : null;
            otel.setAttribute(ERROR_TYPE, error == null ? failure.getClass().getSimpleName()
                    : GatewayMetrics.errorType(error.code(), error.status()));
            otel.setStatus(StatusCode.ERROR, error == null ? "provider call failed" : error.getMessage());
            return;
        }
        ChatResponse response = exchange.getVariable(Variables.RESPONSE, ChatResponse.class);
        String responseModel = model;
        if (response != null) {
            AnswerSummary summary = AnswerSummary.of(response);
            if (summary.id() != null) {
                otel.setAttribute(GEN_AI_RESPONSE_ID, summary.id());
            }
            if (summary.model() != null) {
                responseModel = summary.model();
            }
            if (!summary.finishReasons().isEmpty()) {
                otel.setAttribute(FINISH_REASONS, summary.finishReasons());
            }
            TracingOptions options = TracingOptions.of(exchange.getContext());
            if (options.captureContent()) {
                otel.setAttribute(GEN_AI_OUTPUT_MESSAGES,
                        options.redactor().redact(response.json().path("choices").toString()));
            }
        }
        if (responseModel != null) {
            otel.setAttribute(GEN_AI_RESPONSE_MODEL, responseModel);
        }
        Usage usage = exchange.getVariable(Variables.USAGE, Usage.class);
        if (usage != null) {
            otel.setAttribute(GEN_AI_USAGE_INPUT_TOKENS, usage.inputTokens());
            otel.setAttribute(GEN_AI_USAGE_OUTPUT_TOKENS, usage.outputTokens());
            otel.setAttribute(GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS, usage.cacheReadTokens());
            otel.setAttribute(GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS, usage.cacheWriteTokens());
            otel.setAttribute(GEN_AI_USAGE_REASONING_OUTPUT_TOKENS, usage.reasoningTokens());
            otel.setAttribute(LLM_TOKEN_COUNT_PROMPT, usage.inputTokens());
            otel.setAttribute(LLM_TOKEN_COUNT_COMPLETION, usage.outputTokens());
            Prices prices = exchange.getContext().getRegistry().lookupByNameAndType("prices", Prices.class);
            BigDecimal cost = prices == null ? null : prices.cost(provider, model, usage);
            if (cost != null) {
                otel.setAttribute(COST_USD, cost.doubleValue());
            }
        }
    }

    private static void setNumber(io.opentelemetry.api.trace.Span otel, String key, JsonNode value) {
        if (value != null && value.isNumber()) {
            otel.setAttribute(key, value.asDouble());
        }
    }
}
