package caravan.guardrails.secrets;

import java.util.function.Consumer;

import caravan.guardrails.Finding;
import caravan.guardrails.Source;
import caravan.guardrails.TextScanner;

/**
 * Finds credentials in one left-to-right pass, by the prefixes their issuers give them: OpenAI keys
 * ({@code sk-}, {@code sk-proj-}), Anthropic keys ({@code sk-ant-}), AWS access key ids ({@code AKIA},
 * {@code ASIA}), GitHub tokens ({@code ghp_}, {@code gho_}, {@code ghu_}, {@code ghs_}, {@code ghr_},
 * {@code github_pat_}), Slack tokens ({@code xoxb-}, {@code xoxp-}, ..., {@code xapp-}), PEM private-key
 * blocks, JSON Web Tokens ({@code eyJ...}), and otherwise unmarked high-entropy strings where text says they
 * are credentials: after {@code Bearer}, or assigned to a name with key, token, secret or password in it.
 * Work happens only where a token starts, each look is bounded (a key block at most 4096 characters) and
 * the pass skips what it reported, so the time is linear in the text.
 */
final class SecretScanner implements TextScanner {

    static final String LABEL = "SECRET";
    /** A 4096-bit RSA key in PKCS#8 PEM is about 3,300 characters. */
    static final int MAX_KEY_BLOCK = 4096;
    private static final int MAX_TOKEN = 1024;
    private static final int MIN_GENERIC = 20;
    /** Bits per character: English words and repeated characters stay well below, random keys well above. */
    private static final double MIN_ENTROPY = 3.5;
    private static final String BEGIN = "-----BEGIN ";
    private static final String PRIVATE_KEY = "PRIVATE KEY-----";
    private static final String END = "-----END ";

    @Override
    public int maxSpan() {
        return MAX_KEY_BLOCK;
    }

    @Override
    public void scan(String text, Source source, int slot, Consumer<Finding> found) {
        int length = text.length();
        int i = 0;
        // whether the character before i belongs to a token: carried along rather than read again
        boolean afterToken = false;
        while (i < length) {
            char c = text.charAt(i);
            boolean token = tokenChar(c);
            int end = -1;
            if (token) {
                if (!afterToken) {
                    end = atTokenStart(text, i, slot, found);
                }
            } else if ((c == '=' || c == ':') && i + 1 < length) {
                end = assigned(text, i, slot, found);
            }
            if (end > i) {
                i = end;
                afterToken = tokenChar(text.charAt(end - 1));
            } else {
                i++;
                afterToken = token;
            }
        }
    }

    /** A credential starting at {@code i}; its end when one was reported, else -1. */
    private int atTokenStart(String text, int i, int slot, Consumer<Finding> found) {
        char c = text.charAt(i);
        switch (c) {
            case 's' -> {
                if (text.startsWith("sk-ant-", i)) {
                    return prefixed(text, i, 7, 20, "Anthropic API key", slot, found);
                }
                if (text.startsWith("sk-", i)) {
                    return prefixed(text, i, 3, 20, "OpenAI API key", slot, found);
                }
            }
            case 'A' -> {
                if (text.startsWith("AKIA", i) || text.startsWith("ASIA", i) || text.startsWith("ABIA", i)
                        || text.startsWith("ACCA", i)) {
                    int end = i + 4;
                    while (end < text.length() && end < i + 21 && (upper(text.charAt(end)) || digit(text.charAt(end)))) {
                        end++;
                    }
                    if (end - i == 20 && (end == text.length() || !tokenChar(text.charAt(end)))) {
                        return report(i, end, "AWS access key", slot, found);
                    }
                }
            }
            case 'g' -> {
                if (text.startsWith("github_pat_", i)) {
                    return prefixed(text, i, 11, 22, "GitHub token", slot, found);
                }
                if (i + 4 <= text.length() && text.charAt(i + 1) == 'h' && text.charAt(i + 3) == '_'
                        && "pousr".indexOf(text.charAt(i + 2)) >= 0) {
                    return prefixed(text, i, 4, 30, "GitHub token", slot, found);
                }
            }
            case 'x' -> {
                if (text.startsWith("xapp-", i) || i + 5 <= text.length() && text.startsWith("xox", i)
                        && "abeprs".indexOf(text.charAt(i + 3)) >= 0 && text.charAt(i + 4) == '-') {
                    return prefixed(text, i, 5, 10, "Slack token", slot, found);
                }
            }
            case '-' -> {
                if (text.startsWith(BEGIN, i)) {
                    return keyBlock(text, i, slot, found);
                }
            }
            case 'e' -> {
                if (text.startsWith("eyJ", i)) {
                    return jwt(text, i, slot, found);
                }
            }
            case 'B', 'b' -> {
                if (text.regionMatches(true, i, "bearer ", 0, 7)) {
                    int value = i + 7;
                    while (value < text.length() && text.charAt(value) == ' ') {
                        value++;
                    }
                    return generic(text, value, slot, found);
                }
            }
            default -> {
                return -1;
            }
        }
        return -1;
    }

    /** {@code prefix} characters, then at least {@code min} more of letters, digits, {@code _} and {@code -}. */
    private static int prefixed(String text, int i, int prefix, int min, String kind, int slot, Consumer<Finding> found) {
        int end = i + prefix;
        int limit = Math.min(text.length(), i + MAX_TOKEN);
        while (end < limit && keyChar(text.charAt(end))) {
            end++;
        }
        return end - i - prefix >= min ? report(i, end, kind, slot, found) : -1;
    }

    /** A PEM private key from its BEGIN line to its END line (or as far as a block can go, when the END is missing). */
    private static int keyBlock(String text, int i, int slot, Consumer<Finding> found) {
        // every search is bounded: a text of many BEGIN lines must not make each one read the rest of it
        int header = indexWithin(text, PRIVATE_KEY, i, i + 80);
        if (header < 0) {
            return -1;
        }
        int limit = Math.min(text.length(), i + MAX_KEY_BLOCK);
        int end = indexWithin(text, END, header, limit);
        if (end >= 0) {
            int close = indexWithin(text, PRIVATE_KEY, end, limit);
            end = close >= 0 ? close + PRIVATE_KEY.length() : limit;
        } else {
            end = limit;
        }
        return report(i, end, "private key", slot, found);
    }

    /** Where {@code needle} starts, wholly before {@code to}, searching from {@code from}; -1 when it does not. */
    private static int indexWithin(String text, String needle, int from, int to) {
        int last = Math.min(to, text.length()) - needle.length();
        for (int k = from; k <= last; k++) {
            if (text.startsWith(needle, k)) {
                return k;
            }
        }
        return -1;
    }

    /** {@code header.payload.signature}, each base64url, the first two JSON objects ({@code eyJ}). */
    private static int jwt(String text, int i, int slot, Consumer<Finding> found) {
        int end = i;
        for (int part = 0; part < 3; part++) {
            int start = end;
            int limit = Math.min(text.length(), start + MAX_TOKEN);
            while (end < limit && base64Url(text.charAt(end))) {
                end++;
            }
            if (end - start < (part == 2 ? 16 : 10) || part < 2 && !text.startsWith("eyJ", start)) {
                return -1;
            }
            if (part < 2) {
                if (end >= text.length() || text.charAt(end) != '.') {
                    return -1;
                }
                end++;
            }
        }
        return report(i, end, "JSON Web Token", slot, found);
    }

    /** After {@code =} or {@code :}: a value assigned to a name that says it is a credential ({@code api_key=...}). */
    private static int assigned(String text, int at, int slot, Consumer<Finding> found) {
        int nameEnd = at;
        while (nameEnd > 0 && nameEnd > at - 3 && (text.charAt(nameEnd - 1) == ' ' || text.charAt(nameEnd - 1) == '"'
                || text.charAt(nameEnd - 1) == '\'')) {
            nameEnd--;
        }
        int nameStart = nameEnd;
        while (nameStart > 0 && nameStart > nameEnd - 40 && nameChar(text.charAt(nameStart - 1))) {
            nameStart--;
        }
        if (nameStart == nameEnd || !credentialName(text, nameStart, nameEnd)) {
            return -1;
        }
        int value = at + 1;
        while (value < text.length() && value < at + 4 && (text.charAt(value) == ' ' || text.charAt(value) == '"'
                || text.charAt(value) == '\'')) {
            value++;
        }
        return generic(text, value, slot, found);
    }

    private static boolean credentialName(String text, int start, int end) {
        String name = text.substring(start, end).toLowerCase(java.util.Locale.ROOT);
        return name.contains("key") || name.contains("token") || name.contains("secret") || name.contains("password")
                || name.contains("passwd") || name.contains("credential");
    }

    /** An unmarked token of at least 20 characters, with letters and digits, random enough to be a key. */
    private static int generic(String text, int start, int slot, Consumer<Finding> found) {
        int end = start;
        int limit = Math.min(text.length(), start + MAX_TOKEN);
        while (end < limit && genericChar(text.charAt(end))) {
            end++;
        }
        // base64's padding, only at the end (an '=' inside would let "key=key=..." read far ahead from every '=')
        for (int pad = 0; pad < 2 && end < limit && text.charAt(end) == '='; pad++) {
            end++;
        }
        if (end - start < MIN_GENERIC) {
            return -1;
        }
        boolean letters = false;
        boolean digits = false;
        int[] counts = new int[128];
        for (int k = start; k < end; k++) {
            char c = text.charAt(k);
            letters |= upper(c) || c >= 'a' && c <= 'z';
            digits |= digit(c);
            counts[c]++;
        }
        if (!letters || !digits || entropy(counts, end - start) < MIN_ENTROPY) {
            return -1;
        }
        return report(start, end, "high-entropy credential", slot, found);
    }

    /** Shannon entropy of the characters, in bits per character. */
    static double entropy(int[] counts, int total) {
        double bits = 0;
        for (int count : counts) {
            if (count > 0) {
                double p = (double) count / total;
                bits -= p * (Math.log(p) / Math.log(2));
            }
        }
        return bits;
    }

    private static int report(int start, int end, String kind, int slot, Consumer<Finding> found) {
        found.accept(new Finding(slot, start, end, LABEL, kind));
        return end;
    }

    private static boolean digit(char c) {
        return c >= '0' && c <= '9';
    }

    private static boolean upper(char c) {
        return c >= 'A' && c <= 'Z';
    }

    /** Letters, digits, {@code _} and {@code -}: the characters of keys and tokens, looked up rather than compared. */
    private static final boolean[] KEY_CHARS = new boolean[128];

    static {
        for (char c = 0; c < 128; c++) {
            KEY_CHARS[c] = c >= '0' && c <= '9' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c == '_' || c == '-';
        }
    }

    private static boolean keyChar(char c) {
        return c < 128 && KEY_CHARS[c];
    }

    private static boolean base64Url(char c) {
        return keyChar(c);
    }

    private static boolean tokenChar(char c) {
        return keyChar(c);
    }

    private static boolean nameChar(char c) {
        return keyChar(c) || c == '.';
    }

    private static boolean genericChar(char c) {
        return keyChar(c) || c == '.' || c == '~' || c == '+' || c == '/';
    }
}
