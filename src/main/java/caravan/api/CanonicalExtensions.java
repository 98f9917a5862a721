package caravan.api;

import java.util.Set;

/**
 * The fields a canonical request may carry beyond OpenAI's Chat Completions schema: what a request that
 * arrived in Anthropic's Messages shape keeps so an Anthropic upstream gets it back. The Anthropic dialect
 * writes them; an OpenAI-compatible upstream would reject them as unknown, so the OpenAI codec leaves them
 * out of translated requests. Each set names the fields of one place in the request.
 */
public final class CanonicalExtensions {

    /** Top-level: Anthropic's sampling cut-off. */
    public static final String TOP_K = "top_k";
    /** Top-level: Anthropic's extended-thinking configuration. */
    public static final String THINKING = "thinking";
    /** On content parts, tool messages and tools: Anthropic's prompt-cache breakpoint. */
    public static final String CACHE_CONTROL = "cache_control";
    /** On tool messages: the tool result reports a failure. */
    public static final String IS_ERROR = "is_error";
    /** On assistant messages: the signed thinking an Anthropic upstream needs back before the tool calls. */
    public static final String THINKING_BLOCKS = "thinking_blocks";

    /** Extensions on the request object itself. */
    public static final Set<String> REQUEST = Set.of(TOP_K, THINKING);
    /** Extensions on an entry of {@code messages}. */
    public static final Set<String> MESSAGE = Set.of(CACHE_CONTROL, IS_ERROR, THINKING_BLOCKS);
    /** Extensions on an entry of a message's {@code content} array. */
    public static final Set<String> CONTENT_PART = Set.of(CACHE_CONTROL);
    /** Extensions on an entry of {@code tools}. */
    public static final Set<String> TOOL = Set.of(CACHE_CONTROL);

    private CanonicalExtensions() {
    }
}
