package caravan.processors.admin;

import java.util.concurrent.CompletionException;

import caravan.api.Caller;
import caravan.api.ErrorType;
import caravan.api.GatewayException;
import caravan.api.Json;
import caravan.api.Variables;
import caravan.audit.AuditEvent;
import caravan.keys.StorePool;
import com.fasterxml.jackson.databind.JsonNode;
import org.apache.camel.AsyncCallback;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.support.AsyncProcessorSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One admin API operation as a route step: the work (database reads and writes) runs on the store's pool,
 * never on the event loop, and its answer becomes the response: a status and a JSON body, or the
 * OpenAI-shaped error the work threw.
 */
public final class AdminOperation extends AsyncProcessorSupport {

    private static final Logger LOG = LoggerFactory.getLogger(AdminOperation.class);

    /** The work of one operation: blocking is allowed. */
    @FunctionalInterface
    public interface Work {
        Answer run(Exchange exchange) throws Exception;
    }

    /**
     * A status and the body that goes with it: a JSON tree (null for none, as 204), or bytes already written
     * in their own content type (a CSV export, a long list streamed without a tree).
     */
    public record Answer(int status, JsonNode body, String contentType, byte[] bytes) {

        public Answer(int status, JsonNode body) {
            this(status, body, null, null);
        }

        public static Answer written(int status, String contentType, byte[] bytes) {
            return new Answer(status, null, contentType, bytes);
        }
    }

    private final StorePool pool;
    private final Work work;

    public AdminOperation(StorePool pool, Work work) {
        this.pool = pool;
        this.work = work;
    }

    @Override
    public boolean process(Exchange exchange, AsyncCallback callback) {
        pool.submit(() -> work.run(exchange)).whenComplete((answer, failure) -> {
            if (failure != null) {
                exchange.setException(asGatewayError(failure instanceof CompletionException wrapped
                        && wrapped.getCause() != null ? wrapped.getCause() : failure));
            } else {
                Message message = exchange.getMessage();
                message.setHeader(Exchange.HTTP_RESPONSE_CODE, answer.status());
                if (answer.bytes() != null) {
                    message.setHeader(Exchange.CONTENT_TYPE, answer.contentType());
                    message.setBody(answer.bytes());
                } else if (answer.body() != null) {
                    message.setHeader(Exchange.CONTENT_TYPE, "application/json");
                    try {
                        message.setBody(Json.MAPPER.writeValueAsBytes(answer.body()));
                    } catch (Exception e) {
                        exchange.setException(e);
                    }
                } else {
                    message.setBody(null);
                }
            }
            callback.done(false);
        });
        return false;
    }

    /** Who the audit log names for this request's changes: its virtual key's id, or {@code master}. */
    static String actor(Exchange exchange) {
        return AuditEvent.actorOf(exchange.getVariable(Variables.CALLER, Caller.class));
    }

    /** The admin's own mistakes pass as they are; a store that fails or a full pool is a 503 (logged without values). */
    private static Throwable asGatewayError(Throwable failure) {
        if (failure instanceof GatewayException) {
            return failure;
        }
        LOG.warn("An admin operation failed in the store: {}", failure.getClass().getSimpleName());
        return new GatewayException(503, ErrorType.API, "store_unavailable", null,
                "The gateway's store cannot be reached right now. Try again shortly.", "1", null);
    }
}
