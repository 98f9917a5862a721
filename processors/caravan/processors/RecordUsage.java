package caravan.processors;

import caravan.api.ChatRequest;
import caravan.api.GuardrailOutcomes;
import caravan.api.Variables;
import caravan.keys.VirtualKey;
import caravan.ledger.LedgerRecord;
import caravan.ledger.UsageLedger;
import caravan.telemetry.CallRecord;
import caravan.telemetry.GatewaySpan;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceId;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.spi.Synchronization;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code recordUsage} step: a tap that writes the call to the usage ledger once its answer has ended
 * (README "Accounting and the ledger"). The step itself only lays the tap on the exchange; the tap fires when
 * the edge has finished the call, however it ended (a stream's last chunk, an error from any later step, a
 * client gone), after the call recorder built the call's {@link CallRecord}, and hands the ledger a record
 * made of that and of what the request said about itself: the key's team, the end user, the session and task
 * ids ({@code x-caravan-session} / {@code x-caravan-task}, else {@code metadata.session_id} /
 * {@code metadata.task_id}), the trace id, and what the guardrails did ({@code guardrailOutcomes}). It reads what
 * earlier steps parsed; nothing is parsed again.
 *
 * <p>Put it first in a route: a step the call never reaches (the route stops at the first failure) lays no
 * tap, and failed calls belong in the ledger too. With the ledger off ({@code GATEWAY_LEDGER=off}) the step
 * does nothing.
 */
public final class RecordUsage implements Processor {

    private static final Logger LOG = LoggerFactory.getLogger(RecordUsage.class);
    static final String SESSION_HEADER = "x-caravan-session";
    static final String TASK_HEADER = "x-caravan-task";

    private final UsageLedger ledger;
    /** One tap for every exchange: it keeps no state of its own. */
    private final Synchronization tap = new Synchronization() {
        @Override
        public void onComplete(Exchange exchange) {
            write(exchange);
        }

        @Override
        public void onFailure(Exchange exchange) {
            write(exchange);
        }
    };

    /** @param ledger where records go, or null when the ledger is off */
    public RecordUsage(UsageLedger ledger) {
        this.ledger = ledger;
    }

    @Override
    public void process(Exchange exchange) {
        if (ledger != null) {
            exchange.getExchangeExtension().addOnCompletion(tap);
        }
    }

    private void write(Exchange exchange) {
        CallRecord call = exchange.getVariable(Variables.CALL_RECORD, CallRecord.class);
        if (call == null) {
            // the edge records model calls only, and none whose answer it could not write
            return;
        }
        try {
            VirtualKey key = exchange.getVariable(Variables.VIRTUAL_KEY, VirtualKey.class);
            String user = exchange.getVariable(Variables.END_USER, String.class);
            if (user == null && key != null) {
                user = key.user();
            }
            ChatRequest request = exchange.getVariable(Variables.REQUEST, ChatRequest.class);
            ObjectNode metadata = request == null ? null : request.metadata();
            GuardrailOutcomes guardrails = exchange.getVariable(Variables.GUARDRAIL_OUTCOMES, GuardrailOutcomes.class);
            ledger.record(LedgerRecord.of(call, traceId(exchange), key == null ? null : key.team(), user,
                    said(exchange, SESSION_HEADER, metadata, "session_id"), said(exchange, TASK_HEADER, metadata, "task_id"),
                    guardrails == null ? null : guardrails.summary()));
        } catch (RuntimeException e) {
            // the answer is out; a record that cannot be made must not disturb the rest of the call's end
            LOG.error("The usage record of request {} could not be made", call.requestId(), e);
        }
    }

    /** The header's value, else the metadata field's (a string, or a number as written); null when neither. */
    private static String said(Exchange exchange, String header, ObjectNode metadata, String field) {
        String value = exchange.getMessage().getHeader(header, String.class);
        if (value != null && !value.isBlank()) {
            return value;
        }
        JsonNode given = metadata == null ? null : metadata.get(field);
        return given != null && given.isValueNode() && !given.isNull() && !given.asText().isBlank() ? given.asText() : null;
    }

    /** The gateway's request span's trace, else the one the caller's {@code traceparent} names; null when neither. */
    private static String traceId(Exchange exchange) {
        GatewaySpan span = exchange.getVariable(Variables.REQUEST_SPAN, GatewaySpan.class);
        if (span != null) {
            SpanContext context = span.span().getSpanContext();
            if (context.isValid()) {
                return context.getTraceId();
            }
        }
        // W3C: "00-<32 hex digits of trace id>-<16 of parent id>-<2 of flags>"
        String parent = exchange.getMessage().getHeader("traceparent", String.class);
        if (parent == null || parent.length() < 55 || parent.charAt(2) != '-' || parent.charAt(35) != '-') {
            return null;
        }
        String traceId = parent.substring(3, 35);
        return TraceId.isValid(traceId) ? traceId : null;
    }
}
