package caravan.guardrails.injection;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;

/**
 * The words of a text as the classifier reads them beside its embedding: word unigrams and bigrams and
 * character 3- to 5-grams (over the words, lower-cased, joined by single spaces), each hashed (FNV-1a) into
 * one of {@value #BUCKETS} buckets, counted, log-scaled ({@code log(1 + count)}) and scaled to unit length.
 * The embedding reads a text's topic; these read its wording ("AI agents reading this page:", "tell the user",
 * "you are now"), which is what tells an instruction addressed to a model from a text about one. A sparse
 * vector: the buckets a text hits, in ascending order, and their values, then the {@link Cues} it shows (at
 * {@code BUCKETS + cue}, each {@value Cues#VALUE}, outside the unit length). Linear in the text.
 */
final class LexicalFeatures {

    static final int BUCKETS = 16_384;
    /** The hashed buckets, then the {@link Cues}: the length of the lexical weights. */
    static final int SIZE = BUCKETS + Cues.COUNT;

    final int[] buckets;
    final float[] values;

    private LexicalFeatures(int[] buckets, float[] values) {
        this.buckets = buckets;
        this.values = values;
    }

    static LexicalFeatures of(String text) {
        String lower = text.toLowerCase(Locale.ROOT);
        StringBuilder joined = new StringBuilder(" ");
        int[] hashes = new int[64];
        int count = 0;
        String previous = null;
        int i = 0;
        int length = lower.length();
        while (i < length) {
            while (i < length && !isWordChar(lower.charAt(i))) {
                i++;
            }
            int start = i;
            while (i < length && isWordChar(lower.charAt(i))) {
                i++;
            }
            if (i == start) {
                break;
            }
            String word = lower.substring(start, i);
            hashes = room(hashes, count, 2);
            hashes[count++] = bucket("w" + word);
            if (previous != null) {
                hashes[count++] = bucket("b" + previous + " " + word);
            }
            previous = word;
            joined.append(word).append(' ');
        }
        for (int n = 3; n <= 5; n++) {
            for (int k = 0; k + n <= joined.length(); k++) {
                hashes = room(hashes, count, 1);
                hashes[count++] = bucket("c" + joined.substring(k, k + n));
            }
        }
        int[] sorted = Arrays.copyOf(hashes, count);
        Arrays.sort(sorted);
        int[] buckets = new int[count];
        float[] values = new float[count];
        int distinct = 0;
        double norm = 0;
        for (int k = 0; k < count; ) {
            int run = k;
            while (run < count && sorted[run] == sorted[k]) {
                run++;
            }
            double value = Math.log1p(run - k);
            buckets[distinct] = sorted[k];
            values[distinct++] = (float) value;
            norm += value * value;
            k = run;
        }
        norm = Math.sqrt(norm);
        for (int k = 0; k < distinct; k++) {
            values[k] /= norm;
        }
        boolean[] cues = Cues.of(text);
        int present = 0;
        for (boolean cue : cues) {
            present += cue ? 1 : 0;
        }
        int[] allBuckets = Arrays.copyOf(buckets, distinct + present);
        float[] allValues = Arrays.copyOf(values, distinct + present);
        for (int c = 0, at = distinct; c < cues.length; c++) {
            if (cues[c]) {
                allBuckets[at] = BUCKETS + c;
                allValues[at++] = Cues.VALUE;
            }
        }
        return new LexicalFeatures(allBuckets, allValues);
    }

    static boolean isWordChar(char c) {
        return Character.isLetterOrDigit(c) || c == '\'';
    }

    private static int[] room(int[] hashes, int count, int more) {
        return count + more <= hashes.length ? hashes : Arrays.copyOf(hashes, Math.max(hashes.length * 2, count + more));
    }

    /** FNV-1a (32 bits) of the gram's UTF-8 bytes, modulo the buckets. */
    static int bucket(String gram) {
        int hash = 0x811c9dc5;
        for (byte b : gram.getBytes(StandardCharsets.UTF_8)) {
            hash ^= b & 0xff;
            hash *= 0x01000193;
        }
        return Integer.remainderUnsigned(hash, BUCKETS);
    }

    double dot(float[] weights) {
        double sum = 0;
        for (int k = 0; k < buckets.length; k++) {
            sum += weights[buckets[k]] * values[k];
        }
        return sum;
    }
}
