package caravan.cache;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A question as the semantic cache embeds it: lower case, English contractions written out, punctuation
 * and extra spaces gone. Surface forms that change nothing ("What's the capital of France?" and "what is
 * the capital of france") then embed alike, so the similarity measures what was asked rather than how it
 * was typed. Linear in the text: each pattern is a plain alternation without nested repetition.
 */
final class QuestionText {

    private static final Pattern APOSTROPHES = Pattern.compile("[\u2019\u2018`]");
    private static final Pattern WHAT_IS = Pattern.compile("\\b(what|who|where|how|that|there|it|he|she)'s\\b");
    private static final Pattern NOT = Pattern.compile("\\b(can)'t\\b|\\b(won)'t\\b|n't\\b");
    private static final Pattern ARE = Pattern.compile("'re\\b");
    private static final Pattern WILL = Pattern.compile("'ll\\b");
    private static final Pattern HAVE = Pattern.compile("'ve\\b");
    private static final Pattern AM = Pattern.compile("\\bi'm\\b");
    private static final Pattern PUNCTUATION = Pattern.compile("[\\p{Punct}\\s]+");

    private QuestionText() {
    }

    static String normalize(String text) {
        String s = APOSTROPHES.matcher(text.toLowerCase(Locale.ROOT)).replaceAll("'");
        s = WHAT_IS.matcher(s).replaceAll("$1 is");
        s = NOT.matcher(s).replaceAll(match -> match.group(1) != null ? "can not"
                : match.group(2) != null ? "will not" : " not");
        s = ARE.matcher(s).replaceAll(" are");
        s = WILL.matcher(s).replaceAll(" will");
        s = HAVE.matcher(s).replaceAll(" have");
        s = AM.matcher(s).replaceAll("i am");
        return PUNCTUATION.matcher(s).replaceAll(" ").strip();
    }
}
