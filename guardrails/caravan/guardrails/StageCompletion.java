package caravan.guardrails;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import org.apache.camel.AsyncCallback;
import org.apache.camel.Exchange;

/** Resumes a route when a guardrail stage is done: at once when it already is, else from its completion. */
public final class StageCompletion {

    private StageCompletion() {
    }

    /** Camel's asynchronous processor contract: true when {@code callback} was called before returning. */
    public static boolean complete(Exchange exchange, AsyncCallback callback, CompletableFuture<Void> done) {
        if (done.isDone()) {
            fail(exchange, done);
            callback.done(true);
            return true;
        }
        done.whenComplete((ignored, failure) -> {
            fail(exchange, done);
            callback.done(false);
        });
        return false;
    }

    private static void fail(Exchange exchange, CompletableFuture<Void> done) {
        try {
            done.join();
        } catch (CompletionException e) {
            exchange.setException(e.getCause() instanceof Exception cause ? cause : e);
        }
    }
}
