package caravan.routing;

import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/**
 * How far a mirrored answer strays from the primary one: 1 minus the Jaccard similarity of their word
 * bigrams (0: the same words in the same order; 1: nothing in common). Cheap and order-aware, so it
 * separates "same answer, reworded slightly" from "a different answer" without a model.
 */
public final class Divergence {

    private Divergence() {
    }

    public static double between(String primary, String candidate) {
        Set<String> a = bigrams(primary);
        Set<String> b = bigrams(candidate);
        if (a.isEmpty() && b.isEmpty()) {
            return 0;
        }
        Set<String> common = new HashSet<>(a);
        common.retainAll(b);
        int union = a.size() + b.size() - common.size();
        return 1 - (double) common.size() / union;
    }

    private static Set<String> bigrams(String text) {
        String[] words = text.toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{N}]+");
        Set<String> bigrams = new HashSet<>();
        String previous = "";
        for (String word : words) {
            if (!word.isEmpty()) {
                bigrams.add(previous + ' ' + word);
                previous = word;
            }
        }
        return bigrams;
    }
}
