package caravan.api;

/**
 * An API shape spoken on both sides of the gateway: by clients (a {@link Dialect}) and by providers (a
 * codec). When a client and the provider that answers it speak the same one, the gateway passes the
 * client's request and the provider's answer through as bytes instead of translating them twice.
 */
public enum WireFormat {
    /** OpenAI Chat Completions: the canonical form itself. */
    CHAT_COMPLETIONS,
    /** Anthropic Messages ({@code POST /v1/messages}). */
    ANTHROPIC_MESSAGES
}
