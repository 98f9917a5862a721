package caravan.api;

import java.util.function.Consumer;

/**
 * Asked before every provider attempt of a call (the first, each retry and each fallback) and told when
 * it ended: what lets a budget be checked against the price of the model actually about to be called,
 * so that a free model failing over to a paid one cannot spend past a budget. The {@code model:}
 * endpoint finds it in {@link Variables#ADMISSION}.
 */
public interface AttemptGate {

    /**
     * Decides whether an attempt at {@code provider}/{@code model} may be made; calls {@code decided}
     * exactly once, possibly later and on another thread, with null to go ahead or the reason it may not.
     */
    void beforeAttempt(String provider, String model, Consumer<GatewayException> decided);

    /** The attempt that went ahead ended ({@link CallContext.Attempt#usage()} is what it was billed for). */
    void attemptEnded(CallContext.Attempt attempt);
}
