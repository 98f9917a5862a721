package caravan.audit;

import javax.crypto.Mac;

/**
 * Checks an audit log record by record, oldest first, against its chain and its head (the seq and mac of
 * the last record written, kept apart from the records), and names the first record that is not as it
 * was written:
 * <ul>
 *   <li>a gap in seq, or a log that ends before the head's record: {@code removed};</li>
 *   <li>a record whose mac does not fit its fields after the record before it: {@code edited}, unless its
 *       mac fits another place further on (it was swapped or moved: {@code reordered}), or the log also
 *       ends short of the head (records were removed and the rest renumbered: {@code removed}).</li>
 * </ul>
 * Records appended while the check runs (after the head it was given) are checked like the others.
 */
public final class ChainVerifier {

    private final AuditChain chain;
    private final Mac mac;
    private final long headSeq;
    private final String headMac;

    private long expectedSeq = 1;
    private String previousMac = AuditChain.GENESIS;
    private long checked;
    /** The first record whose mac does not fit where it is; the rest of the log is searched for its place. */
    private AuditRecord misfit;
    private long lastSeq;
    private Verification verdict;

    /** @param headSeq the seq of the last record written (0 for none), read before the first record */
    public ChainVerifier(AuditChain chain, long headSeq, String headMac) {
        this.chain = chain;
        this.mac = chain.newMac();
        this.headSeq = headSeq;
        this.headMac = headMac;
    }

    /**
     * Takes the next record, in seq order.
     *
     * @return false when the verdict is known and no further record is needed
     */
    public boolean accept(AuditRecord record) {
        if (verdict != null) {
            return false;
        }
        lastSeq = record.seq();
        if (misfit != null) {
            // swapped with its neighbour: the misfit followed this record; moved further: it followed the record before this one's place
            if (fits(misfit, record.mac(), record.seq()) || fits(misfit, record.mac(), record.seq() + 1)) {
                verdict = Verification.bad(checked, misfit.seq(), Verification.REORDERED, "Record " + misfit.seq()
                        + " was written at another place in the log: records were swapped or moved.");
                return false;
            }
            return true;
        }
        if (record.seq() != expectedSeq) {
            verdict = Verification.bad(checked, expectedSeq, Verification.REMOVED, "Record " + expectedSeq
                    + " is missing: the log goes on at record " + record.seq() + ".");
            return false;
        }
        if (!fits(record, previousMac, record.seq())) {
            misfit = record;
            return true;
        }
        if (record.seq() == headSeq && !record.mac().equals(headMac)) {
            verdict = Verification.bad(checked, record.seq(), Verification.EDITED, "Record " + record.seq()
                    + " is not the last record written at its place.");
            return false;
        }
        checked++;
        previousMac = record.mac();
        expectedSeq++;
        return true;
    }

    /** The verdict once every record was given (or {@link #accept} said none more is needed). */
    public Verification verdict() {
        if (verdict != null) {
            return verdict;
        }
        boolean endsShort = lastSeq < headSeq;
        if (misfit != null) {
            return endsShort
                    ? Verification.bad(checked, misfit.seq(), Verification.REMOVED, "Record " + misfit.seq()
                            + " does not fit after the record before it and the log ends at record " + lastSeq
                            + " although record " + headSeq + " was written: records were removed and the rest renumbered.")
                    : Verification.bad(checked, misfit.seq(), Verification.EDITED, "Record " + misfit.seq()
                            + " does not match its mac: its fields were changed.");
        }
        if (endsShort) {
            return Verification.bad(checked, expectedSeq, Verification.REMOVED, "Record " + expectedSeq
                    + (expectedSeq == headSeq ? "" : " to " + headSeq) + " removed: the log ends at record " + lastSeq
                    + " although record " + headSeq + " was written.");
        }
        return Verification.ok(checked);
    }

    private boolean fits(AuditRecord record, String previousMac, long seq) {
        return chain.mac(mac, previousMac, seq, record.event()).equals(record.mac());
    }
}
