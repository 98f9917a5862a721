package caravan.providers.bedrock;

/** Bedrock's {@code stopReason} as an OpenAI {@code finish_reason}. */
final class StopReason {

    private StopReason() {
    }

    static String toFinishReason(String stopReason) {
        return switch (stopReason == null ? "" : stopReason) {
            case "max_tokens", "model_context_window_exceeded" -> "length";
            case "tool_use" -> "tool_calls";
            case "guardrail_intervened", "content_filtered" -> "content_filter";
            // end_turn, stop_sequence, and the malformed_* outcomes, which end the answer as it stands
            default -> "stop";
        };
    }
}
