package caravan.api;

/**
 * The o200k token count of a text that arrives in pieces (a streamed answer, delta by delta), in bounded
 * memory, and exactly the count {@link TokenCount#of} gives the same text whole: it cuts the same slices
 * ({@value TokenCount#SLICE_CHARS} characters at most, ending at the last space before the limit) and
 * estimates the same tail (past {@value TokenCount#EXACT_CHARS} characters, four characters a token). So a
 * streamed answer and the same answer whole are counted alike, however the stream was cut into chunks.
 * Holds at most one slice and the piece being added; a slice is counted only once a longer text proves it
 * complete, so a short answer costs one count at the end, and none when nobody asks for the total.
 */
public final class RunningTokenCount {

    private static final int SLICE = TokenCount.SLICE_CHARS;
    private static final long EXACT = TokenCount.EXACT_CHARS;

    /** The text after the last slice counted. */
    private final StringBuilder pending = new StringBuilder();
    /** Characters before {@link #pending}: the slices already counted. */
    private long sliced;
    private long tokens;
    /** Characters past the exactly counted part, once the text is longer than {@link #EXACT}. */
    private long beyond = -1;

    /** Adds the next piece of the text. */
    public RunningTokenCount add(CharSequence text) {
        // fed a slice at a time: a 16 MB piece is never copied whole
        for (int at = 0; at < text.length(); at += SLICE) {
            int end = Math.min(text.length(), at + SLICE);
            if (beyond >= 0) {
                beyond += text.length() - at;
                return this;
            }
            pending.append(text, at, end);
            countCompleteSlices();
        }
        return this;
    }

    /** The tokens of the text so far, as {@link TokenCount#of} counts the whole of it. */
    public long total() {
        long rest = pending.length() == 0 ? 0 : TokenCount.exact(pending.toString());
        return tokens + rest + (Math.max(0, beyond) + 3) / 4;
    }

    private void countCompleteSlices() {
        while (beyond < 0) {
            if (sliced + pending.length() >= EXACT && sliced + SLICE >= EXACT) {
                // the last exactly counted slice ends at EXACT whatever follows; the rest is estimated
                int end = (int) (EXACT - sliced);
                tokens += TokenCount.exact(pending.substring(0, end));
                beyond = pending.length() - end;
                pending.setLength(0);
                sliced = EXACT;
                return;
            }
            if (pending.length() <= SLICE) {
                return;
            }
            // more text follows this slice: it ends at its last space (the tokenizer never merges across one)
            int end = SLICE;
            int space = pending.lastIndexOf(" ", SLICE);
            if (space > 0) {
                end = space;
            }
            tokens += TokenCount.exact(pending.substring(0, end));
            pending.delete(0, end);
            sliced += end;
        }
    }
}
