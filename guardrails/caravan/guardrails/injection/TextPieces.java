package caravan.guardrails.injection;

import java.util.ArrayList;
import java.util.List;

/**
 * A text cut into the pieces the classifier embeds one at a time: its sentences (and lines), short ones
 * joined to the next until a piece has {@value #MIN_CHARS} characters. An injected instruction is a sentence
 * or two inside otherwise ordinary text (a page, an e-mail, a tool's JSON); embedded whole, the text reads
 * as its topic and the instruction is diluted into it, while embedded alone it reads as what it is. The
 * classifier is trained the same way (a text is an injection when one of its pieces is), and a text scores
 * as its highest piece. bge-small reads at most 512 tokens, so a piece with no sentence end for
 * {@value #MAX_CHARS} characters is cut there. The cost is bounded whatever the text's length: a text of
 * more than {@value #MAX_PIECES} pieces is judged by the first and the last {@code MAX_PIECES / 2} (a
 * document's opening and its footer or signature); the rules still read every character of it. Linear in
 * the text: one pass, no regular expression.
 */
final class TextPieces {

    static final int MIN_CHARS = 60;
    static final int MAX_CHARS = 1200;
    static final int MAX_PIECES = 48;

    private TextPieces() {
    }

    static List<String> of(String text) {
        // each end's pieces lie within this many characters of it: what is beyond both is never cut at all
        int slice = MAX_PIECES / 2 * MAX_CHARS;
        List<String> pieces = cut(text.length() <= 2 * slice ? text : text.substring(0, slice));
        List<String> tail = text.length() <= 2 * slice ? pieces : cut(text.substring(text.length() - slice));
        if (pieces == tail && pieces.size() <= MAX_PIECES) {
            return pieces;
        }
        List<String> ends = new ArrayList<>(pieces.subList(0, Math.min(MAX_PIECES / 2, pieces.size())));
        ends.addAll(tail.subList(Math.max(0, tail.size() - MAX_PIECES / 2), tail.size()));
        return ends;
    }

    private static List<String> cut(String text) {
        List<String> pieces = new ArrayList<>();
        StringBuilder piece = new StringBuilder();
        int start = 0;
        int length = text.length();
        for (int i = 0; i < length; i++) {
            char c = text.charAt(i);
            boolean sentenceEnd = (c == '.' || c == '!' || c == '?') && (i + 1 == length || Character.isWhitespace(text.charAt(i + 1)));
            if (c == '\n' || sentenceEnd || i + 1 - start >= MAX_CHARS) {
                add(pieces, piece, text.substring(start, i + 1));
                start = i + 1;
            }
        }
        add(pieces, piece, text.substring(start));
        String rest = piece.toString().strip();
        if (!rest.isEmpty()) {
            if (rest.length() < MIN_CHARS / 2 && !pieces.isEmpty()) {
                // a short tail ("Thanks!") belongs with what it ends
                pieces.set(pieces.size() - 1, pieces.get(pieces.size() - 1) + " " + rest);
            } else {
                pieces.add(rest);
            }
        }
        return pieces;
    }

    /** Adds a sentence to the piece being built, which is complete once it is long enough. */
    private static void add(List<String> pieces, StringBuilder piece, String sentence) {
        String trimmed = sentence.strip();
        if (trimmed.isEmpty()) {
            return;
        }
        if (!piece.isEmpty()) {
            piece.append(' ');
        }
        piece.append(trimmed);
        if (piece.length() >= MIN_CHARS) {
            pieces.add(piece.toString());
            piece.setLength(0);
        }
    }
}
