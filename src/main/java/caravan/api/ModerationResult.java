package caravan.api;

import java.util.List;

/**
 * What a provider's moderation endpoint said about a {@link ModerationRequest}'s texts, across all of them.
 *
 * @param flagged    whether the provider flagged any text
 * @param maxScore   the highest category score of any text (0..1)
 * @param categories the categories the provider flagged, in its own names ({@code harassment}, ...)
 */
public record ModerationResult(boolean flagged, double maxScore, List<String> categories) {

    public ModerationResult {
        categories = List.copyOf(categories);
    }
}
