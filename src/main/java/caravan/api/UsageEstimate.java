package caravan.api;

/**
 * The usage a provider call is accounted with. A provider's own figures when it gave them; when it gave
 * none (a provider that omits usage, a stream cut before its usage arrived, a client that left), the
 * gateway counts input and output itself with JTokkit's o200k encoding and marks the usage
 * {@link Usage#estimated}: the prompt as a request is admitted on ({@link TokenCount#ofRequest}), the
 * answer from what reached the client ({@link AnswerTokens}). An estimate knows no cache or reasoning
 * split: all of it is priced as plain input and output. Other providers' tokenizers count differently,
 * so an estimate is near, not exact; it is never 0 for an answer that had text.
 */
public final class UsageEstimate {

    private UsageEstimate() {
    }

    /** A whole answer: its own usage, or one counted from the request and the answer. */
    public static Usage ofWhole(ChatRequest request, ChatResponse answer) {
        Usage reported = answer.usage();
        return reported != null ? reported : new Usage(inputTokens(request), AnswerTokens.of(answer), 0, 0, 0, true);
    }

    /**
     * A stream that ended ({@code complete}) or was cut: the provider's usage when it completed with one.
     * A cut stream's usage may be partial (Anthropic tells the input first and the output last), so its
     * output is the larger of what the provider had reported and what the gateway counted reaching the
     * client, and the result is marked estimated when the count was used. A stream cut before the
     * provider sent anything of the answer or its usage has no usage (null): nothing is known to be paid.
     */
    public static Usage ofStream(ChatRequest request, Usage reported, boolean complete, AnswerTokens counted) {
        if (!counts(reported, complete, counted)) {
            return complete ? reported : null;
        }
        long output = counted.total();
        if (reported == null) {
            return new Usage(inputTokens(request), output, 0, 0, 0, true);
        }
        if (output <= reported.outputTokens() && reported.inputTokens() > 0) {
            return reported;
        }
        return new Usage(reported.inputTokens() > 0 ? reported.inputTokens() : inputTokens(request),
                Math.max(output, reported.outputTokens()), reported.cacheReadTokens(), reported.cacheWriteTokens(),
                reported.reasoningTokens(), true);
    }

    /**
     * Whether {@link #ofStream} counts tokens for these arguments; when it does not, it gives what the
     * provider reported (a complete stream with usage) or nothing (a stream cut before any of it arrived).
     */
    public static boolean counts(Usage reported, boolean complete, AnswerTokens counted) {
        return !(reported != null && complete) && (reported != null || complete || counted.started());
    }

    private static long inputTokens(ChatRequest request) {
        return request == null ? 0 : TokenCount.ofRequest(request.messages(), request.json().get("tools"));
    }
}
