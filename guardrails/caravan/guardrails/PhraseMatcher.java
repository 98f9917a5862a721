package caravan.guardrails;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Finds phrases in text word by word, with case folded and words matched whole: the engine of the rules
 * that look for wordings (injection phrasings, refusals, banned terms). A phrase is written as words and
 * choices separated by spaces: {@code ignore [all any]? [previous prior] [instructions rules]}: a word,
 * a choice of words in brackets, either followed by {@code ?} when it may be left out, and {@code *N} for up to
 * N words of anything. Phrases are indexed by their first word, so each word of the text costs one lookup,
 * and a match is tried only where a phrase can start: time linear in the text, with a bound per position
 * set by the phrases themselves (never by the text).
 */
public final class PhraseMatcher {

    /** A phrase and what a match of it is called. */
    public record Phrase(String pattern, String kind) {
    }

    /** Where a phrase matched: characters {@code start} to {@code end} of the text. */
    @FunctionalInterface
    public interface Match {
        void found(int start, int end, String kind);
    }

    private static final int ANY = -2;

    /** One element of a compiled phrase: word ids it accepts (or ANY, up to {@code repeat} words), optional or not. */
    private record Element(int[] words, boolean optional, int repeat) {
        boolean accepts(int id) {
            if (words == null) {
                return true;
            }
            for (int word : words) {
                if (word == id) {
                    return true;
                }
            }
            return false;
        }
    }

    private record Compiled(Element[] elements, String kind) {
    }

    private final Vocabulary vocabulary = new Vocabulary();
    /** Phrases by the id of a word they can start with. */
    private final Map<Integer, List<Compiled>> byFirstWord = new HashMap<>();

    public PhraseMatcher(List<Phrase> phrases) {
        for (Phrase phrase : phrases) {
            Compiled compiled = compile(phrase);
            Element first = compiled.elements()[0];
            if (first.words() == null || first.optional()) {
                throw new IllegalArgumentException("a phrase starts with a word that must be there: '" + phrase.pattern() + "'");
            }
            for (int word : first.words()) {
                byFirstWord.computeIfAbsent(word, id -> new ArrayList<>(2)).add(compiled);
            }
        }
    }

    private Compiled compile(Phrase phrase) {
        List<Element> elements = new ArrayList<>();
        String pattern = phrase.pattern().trim();
        int i = 0;
        while (i < pattern.length()) {
            char c = pattern.charAt(i);
            if (c == ' ') {
                i++;
                continue;
            }
            if (c == '*') {
                int end = i + 1;
                while (end < pattern.length() && Character.isDigit(pattern.charAt(end))) {
                    end++;
                }
                elements.add(new Element(null, true, Integer.parseInt(pattern.substring(i + 1, end))));
                i = end;
                continue;
            }
            List<String> words = new ArrayList<>();
            int end;
            if (c == '[') {
                end = pattern.indexOf(']', i);
                if (end < 0) {
                    throw new IllegalArgumentException("unclosed [ in phrase '" + phrase.pattern() + "'");
                }
                for (String word : pattern.substring(i + 1, end).trim().split("\\s+")) {
                    words.add(word);
                }
                end++;
            } else {
                end = i;
                while (end < pattern.length() && pattern.charAt(end) != ' ' && pattern.charAt(end) != '?') {
                    end++;
                }
                words.add(pattern.substring(i, end));
            }
            boolean optional = end < pattern.length() && pattern.charAt(end) == '?';
            if (optional) {
                end++;
            }
            int[] ids = new int[words.size()];
            for (int k = 0; k < ids.length; k++) {
                ids[k] = vocabulary.add(words.get(k));
            }
            elements.add(new Element(ids, optional, 1));
            i = end;
        }
        if (elements.isEmpty()) {
            throw new IllegalArgumentException("an empty phrase");
        }
        return new Compiled(elements.toArray(new Element[0]), phrase.kind());
    }

    /** Reports each phrase match in {@code text}; matches may overlap. */
    public void find(String text, Match match) {
        Words words = Words.of(text, vocabulary);
        for (int w = 0; w < words.count; w++) {
            int id = words.ids[w];
            if (id < 0) {
                continue;
            }
            List<Compiled> phrases = byFirstWord.get(id);
            if (phrases == null) {
                continue;
            }
            for (Compiled phrase : phrases) {
                int end = matchFrom(phrase.elements(), 1, w + 1, words);
                if (end >= 0) {
                    match.found(words.starts[w], words.ends[end - 1], phrase.kind());
                }
            }
        }
    }

    /** The index after the last word of a match of elements[e..] starting at word {@code w}, or -1. */
    private static int matchFrom(Element[] elements, int e, int w, Words words) {
        if (e == elements.length) {
            return w;
        }
        Element element = elements[e];
        if (element.words() == null) {
            for (int skip = 0; skip <= element.repeat() && w + skip <= words.count; skip++) {
                int end = matchFrom(elements, e + 1, w + skip, words);
                if (end >= 0) {
                    return end;
                }
            }
            return -1;
        }
        if (w < words.count && element.accepts(words.ids[w])) {
            int end = matchFrom(elements, e + 1, w + 1, words);
            if (end >= 0) {
                return end;
            }
        }
        return element.optional() ? matchFrom(elements, e + 1, w, words) : -1;
    }

    /**
     * The words of a text: letters and digits (any script), with apostrophes inside a word kept ({@code don't}),
     * each looked up in the vocabulary with case folded, without a string made per word.
     */
    private static final class Words {
        int count;
        int[] starts;
        int[] ends;
        int[] ids;

        static Words of(String text, Vocabulary vocabulary) {
            Words words = new Words();
            int capacity = Math.max(8, text.length() / 5);
            words.starts = new int[capacity];
            words.ends = new int[capacity];
            words.ids = new int[capacity];
            int i = 0;
            int length = text.length();
            while (i < length) {
                if (!Character.isLetterOrDigit(text.charAt(i))) {
                    i++;
                    continue;
                }
                int start = i;
                while (i < length && (Character.isLetterOrDigit(text.charAt(i))
                        || apostrophe(text.charAt(i)) && i + 1 < length && Character.isLetter(text.charAt(i + 1)))) {
                    i++;
                }
                words.add(start, i, vocabulary.find(text, start, i));
            }
            return words;
        }

        private void add(int start, int end, int id) {
            if (count == starts.length) {
                int grown = count * 2;
                starts = Arrays.copyOf(starts, grown);
                ends = Arrays.copyOf(ends, grown);
                ids = Arrays.copyOf(ids, grown);
            }
            starts[count] = start;
            ends[count] = end;
            ids[count] = id;
            count++;
        }
    }

    static boolean apostrophe(char c) {
        return c == '\'' || c == '\u2019';
    }

    /** Folds a character's case for comparison; curly apostrophes read as straight ones. */
    static char fold(char c) {
        if (c < 128) {
            return c >= 'A' && c <= 'Z' ? (char) (c + 32) : c;
        }
        return c == '\u2019' ? '\'' : Character.toLowerCase(Character.toUpperCase(c));
    }

    /** Words to ids, looked up by a slice of a text with case folded (open addressing over folded strings). */
    static final class Vocabulary {
        private String[] keys = new String[64];
        private int[] values = new int[64];
        private int size;

        int add(String word) {
            StringBuilder folded = new StringBuilder(word.length());
            for (int k = 0; k < word.length(); k++) {
                folded.append(fold(word.charAt(k)));
            }
            String key = folded.toString();
            int found = find(key, 0, key.length());
            if (found >= 0) {
                return found;
            }
            if ((size + 1) * 2 > keys.length) {
                grow();
            }
            insert(key, size);
            return size++;
        }

        private void grow() {
            String[] oldKeys = keys;
            int[] oldValues = values;
            keys = new String[oldKeys.length * 2];
            values = new int[oldKeys.length * 2];
            for (int k = 0; k < oldKeys.length; k++) {
                if (oldKeys[k] != null) {
                    insert(oldKeys[k], oldValues[k]);
                }
            }
        }

        private void insert(String key, int value) {
            int slot = hash(key, 0, key.length()) & (keys.length - 1);
            while (keys[slot] != null) {
                slot = (slot + 1) & (keys.length - 1);
            }
            keys[slot] = key;
            values[slot] = value;
        }

        /** The id of the folded word {@code text[start, end)}, or -1. */
        int find(CharSequence text, int start, int end) {
            int slot = hash(text, start, end) & (keys.length - 1);
            while (keys[slot] != null) {
                if (equal(keys[slot], text, start, end)) {
                    return values[slot];
                }
                slot = (slot + 1) & (keys.length - 1);
            }
            return -1;
        }

        private static int hash(CharSequence text, int start, int end) {
            int h = 0;
            for (int k = start; k < end; k++) {
                h = 31 * h + fold(text.charAt(k));
            }
            return h ^ (h >>> 16);
        }

        private static boolean equal(String key, CharSequence text, int start, int end) {
            if (key.length() != end - start) {
                return false;
            }
            for (int k = 0; k < key.length(); k++) {
                if (key.charAt(k) != fold(text.charAt(start + k))) {
                    return false;
                }
            }
            return true;
        }
    }
}
