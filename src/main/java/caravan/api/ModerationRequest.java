package caravan.api;

import java.util.List;

/**
 * A moderation call a provider route is asked to make ({@link Variables#OPERATION} {@code moderation}): the
 * texts to judge, the provider's moderation model (null for its default), and how long the caller waits.
 */
public record ModerationRequest(List<String> input, String model, long timeoutMs) {

    /** The operation's name in {@link Variables#OPERATION}. */
    public static final String OPERATION = "moderation";

    public ModerationRequest {
        input = List.copyOf(input);
    }
}
