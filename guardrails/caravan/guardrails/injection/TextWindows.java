package caravan.guardrails.injection;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The windows of a text the classifier embeds: the whole text when it has at most {@value #WHOLE_CHARS}
 * characters (about 200 tokens: a user's message, a tool result, a paragraph, one embedding), else windows of
 * about {@value #WINDOW_CHARS} characters (about 150 tokens), each starting {@value #STEP_CHARS} after the
 * previous one so that a sentence cut by one window's end is whole in the next, of which at most
 * {@value #MAX_WINDOWS} are judged: the first, the last, and those where words that address a model
 * ("assistant", "AI", "instructions", "ignore", "system prompt" ...) are densest, which is where a planted
 * instruction sits. So a text costs at most {@value #MAX_WINDOWS} embeddings of at most 150 tokens whatever
 * its length; the rules still read every character of it. Linear in the text: one pass to cut, one to count
 * cue words, no regular expression.
 */
final class TextWindows {

    static final int WHOLE_CHARS = 800;
    static final int WINDOW_CHARS = 600;
    static final int STEP_CHARS = 500;
    static final int MAX_WINDOWS = 4;

    /** Words that address a model or its instructions; a window's count of them ranks it. */
    private static final Set<String> CUES = Set.of("ai", "assistant", "assistants", "model", "models", "llm", "llms", "agent",
            "agents", "bot", "chatbot", "gpt", "instruction", "instructions", "ignore", "disregard", "forget", "override",
            "system", "prompt", "previous", "rules", "you", "your", "must", "now", "do", "tell", "reply", "send", "forward");

    private TextWindows() {
    }

    static List<String> of(String text) {
        String whole = text.strip();
        if (whole.isEmpty()) {
            return List.of();
        }
        if (whole.length() <= WHOLE_CHARS) {
            return List.of(whole);
        }
        List<int[]> windows = new ArrayList<>();
        for (int start = 0; start < whole.length(); start += STEP_CHARS) {
            int end = Math.min(whole.length(), start + WINDOW_CHARS);
            windows.add(new int[] {wordStart(whole, start), wordEnd(whole, end)});
            if (end == whole.length()) {
                break;
            }
        }
        List<Integer> chosen = new ArrayList<>(List.of(0, windows.size() - 1));
        List<Integer> middle = new ArrayList<>();
        int[] cues = new int[windows.size()];
        for (int i = 1; i < windows.size() - 1; i++) {
            middle.add(i);
            cues[i] = cues(whole, windows.get(i)[0], windows.get(i)[1]);
        }
        // densest first; on a tie the earlier window (a stable sort keeps the text's order)
        middle.sort(Comparator.comparingInt((Integer i) -> -cues[i]));
        chosen.addAll(middle.subList(0, Math.min(MAX_WINDOWS - 2, middle.size())));
        chosen.sort(null);
        List<String> result = new ArrayList<>();
        for (int i : chosen) {
            result.add(whole.substring(windows.get(i)[0], windows.get(i)[1]).strip());
        }
        return result;
    }

    /** Moves a window's start forward to the start of a word (at most 40 characters). */
    private static int wordStart(String text, int start) {
        if (start == 0) {
            return 0;
        }
        for (int i = start; i < Math.min(text.length(), start + 40); i++) {
            if (Character.isWhitespace(text.charAt(i - 1))) {
                return i;
            }
        }
        return start;
    }

    /** Moves a window's end back to the end of a word (at most 40 characters). */
    private static int wordEnd(String text, int end) {
        if (end == text.length()) {
            return end;
        }
        for (int i = end; i > end - 40; i--) {
            if (Character.isWhitespace(text.charAt(i))) {
                return i;
            }
        }
        return end;
    }

    private static int cues(String text, int from, int to) {
        int count = 0;
        int i = from;
        while (i < to) {
            while (i < to && !Character.isLetterOrDigit(text.charAt(i))) {
                i++;
            }
            int start = i;
            while (i < to && Character.isLetterOrDigit(text.charAt(i))) {
                i++;
            }
            if (i > start && i - start <= 12 && CUES.contains(text.substring(start, i).toLowerCase(Locale.ROOT))) {
                count++;
            }
        }
        return count;
    }
}
