package caravan.guardrails.injection;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A few signs, beside the hashed words, that a text speaks to a model rather than about one, each 0 or 1:
 * a line or sentence that opens by addressing one ("Meeting bot: ...", "Note for the HR copilot - ...",
 * "AI reading this image, ..."), a model told what it must or should do ("AI summarizers must add"), "if you
 * are an AI ...", an order to tell or advise the user or reader something, words of concealment ("hidden",
 * "quietly"), "from now on", "you" right after an addressed model, and a model named as the recipient ("to the
 * AI", "dear agent"). The hashed words are scaled to unit length, so one such phrase in a long text weighs
 * little there; here it weighs the same in any text. Read over the words in one pass (each looks a few words
 * ahead), no regular expression.
 */
final class Cues {

    static final int COUNT = 8;
    /** The value of a cue that is present (the hashed words have unit length in all). */
    static final float VALUE = 0.5f;

    /** Who a line can open by addressing. */
    private static final Set<String> ADDRESSEES = Set.of("ai", "assistant", "assistants", "model", "models", "llm", "llms",
            "agent", "agents", "bot", "bots", "chatbot", "chatbots", "summarizer", "summarizers", "summariser", "copilot",
            "gpt", "chatgpt", "claude", "gemini", "analyst", "reviewer", "writer", "writers", "planner", "programmer",
            "translator", "tools", "tool", "system", "systems", "asistente", "ia", "ki", "assistent");
    /** Words that name a model. */
    private static final Set<String> MODELS = Set.of("ai", "llm", "llms", "chatbot", "chatbots", "gpt", "chatgpt", "assistant",
            "assistants", "model", "models", "agent", "agents", "bot", "bots", "summarizer", "summarizers", "copilot", "ia", "ki");
    private static final Set<String> MODALS = Set.of("must", "should", "shall", "required", "instructed", "need", "needs",
            "have", "has", "please", "always", "never", "will");
    private static final Set<String> TELL = Set.of("tell", "inform", "convince", "warn", "ask", "remind", "advise", "recommend",
            "say", "claim", "state", "report", "assure", "direct", "urge");
    private static final Set<String> AUDIENCE = Set.of("user", "users", "customer", "customers", "reader", "readers",
            "visitor", "visitors", "students", "patient", "patients", "recipient", "recipients", "human", "people", "them");
    private static final Set<String> CONCEALMENT = Set.of("hidden", "invisible", "embedded", "secretly", "quietly");
    private static final Set<String> SECOND_PERSON = Set.of("you", "your", "you're");
    private static final Set<String> TO = Set.of("to", "for", "dear", "hey", "attention", "note");
    /** Characters between two words that start a new line, sentence or bracketed part. */
    private static final String SEGMENT_BREAKS = "\n.!?[(<#>\"|{";

    private Cues() {
    }

    /** A word, the characters after it up to the next word, and whether a line, sentence or bracketed part starts with it. */
    private record Word(String word, String after, boolean starts) {
    }

    /** Which of the {@value #COUNT} cues {@code text} shows. */
    static boolean[] of(String text) {
        List<Word> t = words(text);
        boolean[] cues = new boolean[COUNT];
        int n = t.size();
        for (int i = 0; i < n; i++) {
            Word w = t.get(i);
            if (w.starts()) {
                for (int k = i; k < Math.min(n, i + 6); k++) {
                    if (k > i && t.get(k).starts()) {
                        break;
                    }
                    if (ADDRESSEES.contains(t.get(k).word()) && colonWithin(t, k)) {
                        cues[0] = true;
                        break;
                    }
                }
            }
            if (MODELS.contains(w.word())) {
                for (int k = i + 1; k < Math.min(n, i + 7); k++) {
                    if (t.get(k).starts()) {
                        break;
                    }
                    if (MODALS.contains(t.get(k).word())) {
                        cues[1] = true;
                        break;
                    }
                }
            }
            if (w.word().equals("if") && i + 3 < n && t.get(i + 1).word().equals("you")
                    && (t.get(i + 2).word().equals("are") || t.get(i + 2).word().equals("re"))) {
                for (int k = i + 3; k < Math.min(n, i + 7); k++) {
                    if (MODELS.contains(t.get(k).word())) {
                        cues[2] = true;
                    }
                }
            }
            if (TELL.contains(w.word())) {
                for (int k = i + 1; k < Math.min(n, i + 3); k++) {
                    if (AUDIENCE.contains(t.get(k).word())) {
                        cues[3] = true;
                    }
                }
            }
            if (CONCEALMENT.contains(w.word())) {
                cues[4] = true;
            }
            if (w.word().equals("now") && i > 0 && t.get(i - 1).word().equals("from") && i + 1 < n
                    && t.get(i + 1).word().equals("on")) {
                cues[5] = true;
            }
            if (SECOND_PERSON.contains(w.word()) && i > 0 && MODELS.contains(t.get(i - 1).word()) && colon(t.get(i - 1))) {
                cues[6] = true;
            }
            if (MODELS.contains(w.word()) && i > 0 && TO.contains(t.get(i - 1).word())) {
                cues[7] = true;
            }
        }
        return cues;
    }

    /** Whether a colon or comma follows word {@code k} or one of the next two in its part. */
    private static boolean colonWithin(List<Word> t, int k) {
        for (int m = k; m < Math.min(t.size(), k + 3); m++) {
            if (m > k && t.get(m).starts()) {
                return false;
            }
            if (colon(t.get(m))) {
                return true;
            }
        }
        return false;
    }

    private static boolean colon(Word w) {
        return w.after().indexOf(':') >= 0 || w.after().indexOf(',') >= 0;
    }

    /** The text's words, lower-cased, each with the characters after it and whether a part starts with it. */
    private static List<Word> words(String text) {
        String lower = text.toLowerCase(Locale.ROOT);
        List<Word> words = new ArrayList<>();
        // the word read last waits for the characters after it
        String word = null;
        boolean wordStarts = false;
        boolean start = true;
        int n = lower.length();
        int i = 0;
        while (i < n) {
            int j = i;
            while (j < n && !LexicalFeatures.isWordChar(lower.charAt(j))) {
                j++;
            }
            String gap = lower.substring(i, j);
            if (word != null) {
                words.add(new Word(word, gap, wordStarts));
                word = null;
            }
            for (int c = 0; c < gap.length() && !start; c++) {
                start = SEGMENT_BREAKS.indexOf(gap.charAt(c)) >= 0;
            }
            int k = j;
            while (k < n && LexicalFeatures.isWordChar(lower.charAt(k))) {
                k++;
            }
            if (k > j) {
                word = lower.substring(j, k);
                wordStarts = start;
                start = false;
            }
            i = k;
        }
        if (word != null) {
            words.add(new Word(word, "", wordStarts));
        }
        return words;
    }
}
