package caravan.api;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * One request's call, as the steps that serve it share it ({@link Variables#CALL}): it alone owns the
 * request's deadline, the attempts made for it (retries and fallbacks, each with the target it called and
 * the usage it paid for) and so the target serving it, and the clock that tells the gateway's own time
 * from the providers'. The edge creates it; the {@code model:} endpoint opens and closes attempts; the
 * call recorder reads it once the answer has ended.
 */
public final class CallContext {

    private final String requestId;
    private final String endpoint;
    private final long receivedAt = System.nanoTime();
    private final long receivedAtMillis = System.currentTimeMillis();
    private final long deadline;
    private final List<Attempt> attempts = new ArrayList<>(2);
    private long upstreamStartedAt;
    private long upstreamNanos;
    private long firstChunkAt;
    private int fallbackChains;
    private GatewayException tooLong;
    private long tooLongFor = -1;
    private List<Consumer<String>> answerListeners;
    private List<Runnable> endListeners;
    private volatile StringBuilder streamedText;
    private boolean answered;
    private String answerText;
    /** The whole answer, kept so that a listener arriving after the end reads its text; read only then. */
    private ChatResponse answeredWhole;

    /**
     * @param endpoint      the API path when the call is a model call the recorder records, else null
     * @param timeoutMillis the time the request has, across all its attempts
     */
    public CallContext(String requestId, String endpoint, long timeoutMillis) {
        this.requestId = requestId;
        this.endpoint = endpoint;
        this.deadline = receivedAt + timeoutMillis * 1_000_000;
    }

    /** The id the client sees as {@code x-caravan-request-id}: feedback and logs refer to the call by it. */
    public String requestId() {
        return requestId;
    }

    /** The API path of a model call ({@code /v1/chat/completions}), or null for any other call. */
    public String endpoint() {
        return endpoint;
    }

    public long receivedAtNanos() {
        return receivedAt;
    }

    public long receivedAtMillis() {
        return receivedAtMillis;
    }

    /** Time left before the request's deadline, across all attempts; at most 0 once it passed. */
    public long remainingNanos() {
        return deadline - System.nanoTime();
    }

    // --- attempts -----------------------------------------------------------------------------------

    /** An attempt at a target starts now (a retry or a fallback is one more). */
    public Attempt attemptStarted(String provider, String model) {
        Attempt attempt = new Attempt(provider, model, System.nanoTime());
        attempts.add(attempt);
        return attempt;
    }

    /** The attempts made so far, in order: retries repeat a target, fallbacks change it. */
    public List<Attempt> attempts() {
        return attempts;
    }

    public int attemptCount() {
        return attempts.size();
    }

    /** The attempt running or last run, or null before the first. */
    public Attempt current() {
        return attempts.isEmpty() ? null : attempts.get(attempts.size() - 1);
    }

    /** The provider serving the call (the latest attempt's), or null before the first attempt. */
    public String provider() {
        Attempt current = current();
        return current == null ? null : current.provider;
    }

    /** The model serving the call (the latest attempt's), or null before the first attempt. */
    public String model() {
        Attempt current = current();
        return current == null ? null : current.model;
    }

    /** The usage every attempt paid for, added up: a failed or rejected attempt was still billed for what it used. */
    public Usage paidUsage() {
        Usage total = null;
        for (Attempt attempt : attempts) {
            if (attempt.usage != null) {
                total = total == null ? attempt.usage : total.plus(attempt.usage);
            }
        }
        return total;
    }

    /**
     * What every attempt's usage cost at its own model's list price, added up; null when an attempt used
     * tokens its model has no price for (the total is then unknown, and never silently understated).
     * Zero when no attempt used any.
     */
    public BigDecimal paidCostUsd() {
        BigDecimal total = BigDecimal.ZERO;
        for (Attempt attempt : attempts) {
            if (attempt.usage != null) {
                if (attempt.costUsd == null) {
                    return null;
                }
                total = total.add(attempt.costUsd);
            }
        }
        return total;
    }

    // --- fallback chains ------------------------------------------------------------------------------

    /** A fallback chain runs the call: a model it tries has alternatives after it. */
    public void enterFallbackChain() {
        fallbackChains++;
    }

    public void leaveFallbackChain() {
        fallbackChains = Math.max(0, fallbackChains - 1);
    }

    public boolean inFallbackChain() {
        return fallbackChains > 0;
    }

    // --- the context window the request needs -------------------------------------------------------

    /**
     * The request was too long for a model whose window holds {@code window} tokens (0 when unknown): from
     * now on only a model with a larger known window may be tried.
     */
    public void tooLongFor(long window, GatewayException error) {
        tooLongFor = Math.max(tooLongFor, window);
        tooLong = error;
    }

    /** Whether a model with this window (0 when unknown) may still be tried after a context-length failure. */
    public boolean fits(long window) {
        return tooLongFor < 0 || window > tooLongFor;
    }

    /** The context-length failure that rules smaller models out, or null. */
    public GatewayException tooLong() {
        return tooLong;
    }

    // --- the clock ----------------------------------------------------------------------------------

    /** The gateway waits for a provider from now on (a call, or the backoff before a retry): not its own time. */
    public void upstreamStarted() {
        upstreamStartedAt = System.nanoTime();
    }

    public void upstreamFinished() {
        if (upstreamStartedAt != 0) {
            upstreamNanos += System.nanoTime() - upstreamStartedAt;
            upstreamStartedAt = 0;
        }
    }

    /** Time spent in the gateway so far: everything since the request arrived but the provider waits. */
    public long overheadNanos() {
        long now = System.nanoTime();
        long upstream = upstreamNanos + (upstreamStartedAt == 0 ? 0 : now - upstreamStartedAt);
        return Math.max(0, now - receivedAt - upstream);
    }

    /** The first streamed chunk went to the client now. */
    public void firstChunkSent() {
        if (firstChunkAt == 0) {
            firstChunkAt = System.nanoTime();
        }
    }

    /** {@link System#nanoTime()} when the first streamed chunk went to the client, 0 before (or for whole answers). */
    public long firstChunkAt() {
        return firstChunkAt;
    }

    // --- the answer's text, for comparisons -------------------------------------------------------------

    /**
     * Hands the text of the answer the client got (whole or streamed) to {@code listener} once the call
     * ended, or null when it failed. For comparisons such as mirroring; costs nothing when unused.
     * Thread-safe: a mirror registers from another thread, possibly after the answer ended.
     */
    public synchronized void onAnswered(Consumer<String> listener) {
        if (answered) {
            if (answerText == null && answeredWhole != null) {
                answerText = textOf(answeredWhole);
                answeredWhole = null;
            }
            listener.accept(answerText);
            return;
        }
        if (answerListeners == null) {
            answerListeners = new ArrayList<>(1);
            streamedText = new StringBuilder();
        }
        answerListeners.add(listener);
    }

    /**
     * Runs {@code listener} once the call ended, however it ended (answered, failed, or the client went
     * away): where a step that took something for the call (a rate-limit slot, an in-flight count) gives
     * back what it must even when the route did not reach its own closing step.
     */
    public synchronized void onEnded(Runnable listener) {
        if (answered) {
            listener.run();
            return;
        }
        if (endListeners == null) {
            endListeners = new ArrayList<>(1);
        }
        endListeners.add(listener);
    }

    /** Keeps a streamed chunk's text while someone waits for the answer's text. */
    public void streamed(ChatChunk chunk) {
        StringBuilder text = streamedText;
        if (text != null && !chunk.usageOnly()) {
            synchronized (this) {
                text.append(chunk.deltaText());
            }
        }
    }

    /** The call ended: {@code whole} is the whole answer, null for a stream (its text was kept) or a failure. */
    public void answered(ChatResponse whole, boolean failed) {
        List<Consumer<String>> listeners;
        List<Runnable> ended;
        synchronized (this) {
            answered = true;
            if (failed || answerListeners == null) {
                // nobody asked yet: the text is read (the answer parsed) only if a late listener asks
                answeredWhole = failed ? null : whole;
            } else {
                answerText = whole != null ? textOf(whole) : streamedText.toString();
            }
            listeners = answerListeners;
            ended = endListeners;
            endListeners = null;
        }
        if (listeners != null) {
            listeners.forEach(listener -> listener.accept(answerText));
        }
        if (ended != null) {
            ended.forEach(Runnable::run);
        }
    }

    private static String textOf(ChatResponse whole) {
        return whole.answerText();
    }

    /**
     * One attempt: the target called (renamed when a stand-in answers for it), when it started, how long
     * it took, the usage it paid for (what arrived, even when it failed) and how it ended.
     */
    public static final class Attempt {
        private String provider;
        private String model;
        private final long startedAt;
        private long durationNanos = -1;
        private Usage usage;
        private BigDecimal costUsd;
        private GatewayException error;

        Attempt(String provider, String model, long startedAt) {
            this.provider = provider;
            this.model = model;
            this.startedAt = startedAt;
        }

        /** Another provider answers this attempt (the echo stand-in for a provider without a key). */
        public void answeredBy(String provider, String model) {
            this.provider = provider;
            this.model = model;
        }

        /**
         * The attempt ended with this usage (null when none arrived), what it cost at the list price of the
         * model that answered it (null without usage, or when that model has no price) and this failure
         * (null when it succeeded).
         */
        public void ended(Usage usage, BigDecimal costUsd, GatewayException error) {
            this.durationNanos = System.nanoTime() - startedAt;
            this.usage = usage;
            this.costUsd = usage == null ? null : costUsd;
            this.error = error;
        }

        public String provider() {
            return provider;
        }

        public String model() {
            return model;
        }

        public long startedAtNanos() {
            return startedAt;
        }

        public long durationNanos() {
            return durationNanos;
        }

        public Usage usage() {
            return usage;
        }

        /** What the attempt's usage cost in US dollars; null when it used nothing or its model has no price. */
        public BigDecimal costUsd() {
            return costUsd;
        }

        public GatewayException error() {
            return error;
        }

        @Override
        public String toString() {
            return provider + "/" + model;
        }
    }
}
