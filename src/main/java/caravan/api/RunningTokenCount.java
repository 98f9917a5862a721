package caravan.api;

import java.util.function.BooleanSupplier;

/**
 * The o200k token count of a text that arrives in pieces (a streamed answer, delta by delta), in bounded
 * memory, and exactly the count {@link TokenCount#of} gives the same text whole: it cuts the same slices
 * ({@value TokenCount#SLICE_CHARS} characters at most, ending at the last space before the limit) and
 * estimates the same tail (past {@value TokenCount#EXACT_CHARS} characters, four characters a token). So a
 * streamed answer and the same answer whole are counted alike, however the stream was cut into chunks.
 * Holds at most one slice and the piece being added (until the process's token tables are in memory: then
 * up to the exactly counted part); a slice is counted only once a longer text proves it complete, so a short
 * answer costs one count at the end, and none when nobody asks for the total.
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
    private final BooleanSupplier tablesLoaded;
    private final Runnable loadTables;

    public RunningTokenCount() {
        this(TokenCount::loaded, TokenCount::loadInBackground);
    }

    /** With the tables' state and their background load given, for a test. */
    RunningTokenCount(BooleanSupplier tablesLoaded, Runnable loadTables) {
        this.tablesLoaded = tablesLoaded;
        this.loadTables = loadTables;
    }

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
            countSlices(false);
        }
        return this;
    }

    /** Characters of the text counted so far (the slices cut), for a test. */
    long countedChars() {
        return sliced;
    }

    /** The tokens of the text so far, as {@link TokenCount#of} counts the whole of it. */
    public long total() {
        // slices put off while the tables were loading are counted now, one slice at a time
        countSlices(true);
        long rest = pending.length() == 0 ? 0 : TokenCount.exact(pending.toString());
        return tokens + rest + (Math.max(0, beyond) + 3) / 4;
    }

    /**
     * Counts the slices the text so far proves complete. While the o200k tables are not in memory (the first
     * counts of a process, on an event loop as a stream passes) it puts them off and starts the tables' load on
     * a thread of their own, keeping at most the exactly counted part ({@value TokenCount#EXACT_CHARS}
     * characters); {@code now} counts regardless. The slices cut are the same either way.
     */
    private void countSlices(boolean now) {
        if (!now && !tablesLoaded.getAsBoolean() && sliced + pending.length() < EXACT) {
            loadTables.run();
            return;
        }
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
