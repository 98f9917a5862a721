package caravan.audit;

/**
 * What checking the audit log found: every record in place ({@code ok}, with how many there are), or the
 * first record that is not as it was written, and why.
 *
 * @param records     the records checked (all of them when ok)
 * @param firstBadSeq the seq of the first record that was edited, removed or moved; null when ok
 * @param reason      {@link #EDITED}, {@link #REMOVED} or {@link #REORDERED}; null when ok
 * @param message     what was found, in words; null when ok
 */
public record Verification(boolean ok, long records, Long firstBadSeq, String reason, String message) {

    /** A record whose fields (or mac) are not those its mac was computed over. */
    public static final String EDITED = "edited";
    /** A record missing: a gap in seq, or the log ending before the last record written. */
    public static final String REMOVED = "removed";
    /** A record whose mac fits another place in the log: records were swapped or moved. */
    public static final String REORDERED = "reordered";

    static Verification ok(long records) {
        return new Verification(true, records, null, null, null);
    }

    static Verification bad(long records, long firstBadSeq, String reason, String message) {
        return new Verification(false, records, firstBadSeq, reason, message);
    }
}
