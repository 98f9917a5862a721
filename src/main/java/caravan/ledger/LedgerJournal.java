package caravan.ledger;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import caravan.api.Json;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectReader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ledger's append-only local journal ({@code GATEWAY_DATA_DIR/ledger/}): every record is written here
 * before the store is asked to take it, and forgotten only once the store committed it. It is a folder of
 * segment files, one JSON line per record ({@link LedgerRecord}'s fields in snake case), named in the order
 * they were made; what a segment holds stays there until {@link #forget} deletes the whole file.
 *
 * <p>So a process that dies (SIGKILL, a crash) loses no record its writer had taken, and one that dies after
 * the store committed a segment but before the segment was forgotten writes that segment again at the next
 * start, which the store's idempotent insert ignores. Writes reach the operating system before they return
 * but are not forced to the disk: the journal outlives the process, not the machine.
 *
 * <p>One process at a time: the folder is locked while the journal is open, so two gateways given the same
 * {@code GATEWAY_DATA_DIR} cannot forget each other's segments.
 */
final class LedgerJournal implements Closeable {

    private static final Logger LOG = LoggerFactory.getLogger(LedgerJournal.class);
    private static final String PREFIX = "segment-";
    private static final String SUFFIX = ".jsonl";
    private static final String UNREADABLE = "unreadable";
    private static final String REFUSED = "refused.jsonl";
    private static final ObjectReader READER = Json.MAPPER.readerFor(LedgerRecord.class);
    private static final int INITIAL_BUFFER = 1024 * 1024;
    /** A segment's buffer larger than this after a write is let go rather than kept. */
    private static final int MAX_KEPT_BUFFER = 4 * 1024 * 1024;

    /**
     * A segment file, with its records when this process still holds them in memory (the embedded store needs
     * only the file; a segment from an earlier run, records that overflowed the queue or a writer beyond its
     * memory cap are read back from the file).
     *
     * @param path      null when the records could not be journaled and live only in memory
     * @param records   the records, or null
     * @param span      what the segment holds, when this process wrote it whole; else null
     * @param madeAtMillis when its first record was journaled (for a segment of an earlier run, its file's time)
     */
    record Segment(Path path, List<LedgerRecord> records, Span span, long madeAtMillis) {

        /** How many records it holds, when that is known without reading the file; else -1. */
        int count() {
            return records != null ? records.size() : span != null ? span.count() : -1;
        }
    }

    /** A segment's first record (its key in the embedded store), its records' arrival times and their number. */
    record Span(String firstRequestId, long firstTimeMs, long minTimeMs, long maxTimeMs, int count) {

        static Span of(List<LedgerRecord> records) {
            long min = Long.MAX_VALUE;
            long max = Long.MIN_VALUE;
            for (LedgerRecord record : records) {
                min = Math.min(min, record.timeMs());
                max = Math.max(max, record.timeMs());
            }
            LedgerRecord first = records.get(0);
            return new Span(first.requestId(), first.timeMs(), min, max, records.size());
        }
    }

    /** What a segment written by {@link #write} keeps in memory beside its file. */
    enum Hold {
        NOTHING, RECORDS
    }

    private final Path dir;
    private final FileChannel lockFile;
    private final FileLock lock;
    private final AtomicLong nextSequence;
    /** Where {@link #write} serializes a segment: kept from one write to the next. */
    private ByteArrayOutputStream scratch = new ByteArrayOutputStream(INITIAL_BUFFER);
    private OutputStream overflow;
    private Path overflowPath;
    private long overflowSince;

    private LedgerJournal(Path dir, FileChannel lockFile, FileLock lock, long nextSequence) {
        this.dir = dir;
        this.lockFile = lockFile;
        this.lock = lock;
        this.nextSequence = new AtomicLong(nextSequence);
    }

    /**
     * Opens (creating) the journal in {@code dir} and locks it for this process.
     *
     * @throws IllegalStateException when another process holds it
     */
    static LedgerJournal open(Path dir) throws IOException {
        Files.createDirectories(dir);
        FileChannel lockFile = FileChannel.open(dir.resolve("journal.lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = lockFile.tryLock();
        } catch (OverlappingFileLockException heldHere) {
            lock = null;
        }
        if (lock == null) {
            lockFile.close();
            throw new IllegalStateException("The usage ledger's journal in " + dir + " is in use by another gateway:"
                    + " give each instance its own GATEWAY_DATA_DIR");
        }
        long last = segments(dir).stream().mapToLong(LedgerJournal::sequence).max().orElse(0);
        return new LedgerJournal(dir, lockFile, lock, last + 1);
    }

    Path dir() {
        return dir;
    }

    /** The segments on disk, oldest first: at start, those an earlier run left to be written. */
    List<Segment> onDisk() throws IOException {
        List<Segment> found = new ArrayList<>();
        for (Path path : segments(dir)) {
            found.add(new Segment(path, null, null, Files.getLastModifiedTime(path).toMillis()));
        }
        return found;
    }

    /** Writes the (not empty) records as a new segment, keeping them in memory too when {@code hold} says so. */
    synchronized Segment write(List<LedgerRecord> records, Hold hold) throws IOException {
        Path path = newSegmentPath();
        // serialized into the one buffer this journal keeps (a segment, 50 ms of calls, is up to a megabyte: a
        // new array each time could outlive a young collection and be copied into the old generation), then
        // one write of the whole segment: a file on disk holds whole lines but perhaps the last
        scratch.reset();
        writeLines(records, scratch);
        try (OutputStream out = Files.newOutputStream(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            scratch.writeTo(out);
        } finally {
            if (scratch.size() > MAX_KEPT_BUFFER) {
                // after a burst (a queue drained at once): not kept at that size
                scratch = new ByteArrayOutputStream(INITIAL_BUFFER);
            }
        }
        return new Segment(path, hold == Hold.RECORDS ? records : null, Span.of(records), System.currentTimeMillis());
    }

    /** The records as a segment file holds them: one JSON object a line, each line ended by a line break. */
    static byte[] lines(List<LedgerRecord> records) {
        ByteArrayOutputStream lines = new ByteArrayOutputStream(records.size() * 768);
        try {
            writeLines(records, lines);
        } catch (IOException e) {
            throw new UncheckedIOException("A usage record could not be written as JSON", e);
        }
        return lines.toByteArray();
    }

    private static void writeLines(List<LedgerRecord> records, OutputStream out) throws IOException {
        try (JsonGenerator json = Json.FACTORY.createGenerator(out)) {
            // the line break is the only separator
            json.setRootValueSeparator(null);
            for (LedgerRecord record : records) {
                LedgerLine.write(record, json);
                json.writeRaw('\n');
            }
        }
    }

    /** Reads one line of {@link #lines}. */
    static LedgerRecord readLine(byte[] lines, int offset, int length) throws IOException {
        return READER.readValue(lines, offset, length);
    }

    /**
     * Appends one record to the open overflow segment (a new one after {@link #sealOverflow}): for records
     * that found the queue full, written by the thread that finished the call. Each line reaches the
     * operating system before this returns.
     */
    synchronized void overflow(LedgerRecord record) throws IOException {
        if (overflow == null) {
            overflowPath = newSegmentPath();
            overflowSince = System.currentTimeMillis();
            overflow = Files.newOutputStream(overflowPath, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        }
        overflow.write(lines(List.of(record)));
    }

    /** Closes the overflow segment written so far, if any, so it can be written to the store; null when none. */
    synchronized Segment sealOverflow() throws IOException {
        if (overflow == null) {
            return null;
        }
        Path sealed = overflowPath;
        overflow.close();
        overflow = null;
        overflowPath = null;
        return new Segment(sealed, null, null, overflowSince);
    }

    /**
     * The records of a segment, from memory or from its file. A last line cut short (the process died while
     * writing it) is skipped: its record had not been taken by the store. Any other line that does not read
     * moves the whole file aside to {@code unreadable/} for an operator, logged, and nothing of it is returned.
     */
    List<LedgerRecord> records(Segment segment) throws IOException {
        if (segment.records() != null) {
            return segment.records();
        }
        List<String> lines;
        try (BufferedReader reader = Files.newBufferedReader(segment.path(), StandardCharsets.UTF_8)) {
            lines = reader.lines().filter(line -> !line.isBlank()).toList();
        }
        List<LedgerRecord> records = new ArrayList<>(lines.size());
        for (int i = 0; i < lines.size(); i++) {
            try {
                records.add(READER.readValue(lines.get(i)));
            } catch (IOException unreadable) {
                if (i == lines.size() - 1) {
                    LOG.warn("The last line of {} was cut short (the gateway stopped while writing it); records before"
                            + " it, which are written: {}", segment.path(), records.size());
                } else {
                    setAside(segment.path(), i + 1);
                    return List.of();
                }
            }
        }
        return records;
    }

    /**
     * The store refuses this record's values whatever is tried (they do not fit a column): it is kept in
     * {@code refused.jsonl} beside the segments, for an operator, and logged, rather than holding up the rest.
     */
    synchronized void refuse(LedgerRecord record) {
        try (OutputStream out = Files.newOutputStream(dir.resolve(REFUSED), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
            out.write(lines(List.of(record)));
        } catch (IOException e) {
            LOG.error("The refused usage record of request {} cannot be kept in {}: {}", record.requestId(),
                    dir.resolve(REFUSED), e.toString());
            return;
        }
        LOG.error("The store refuses the usage record of request {}: it is kept in {}", record.requestId(),
                dir.resolve(REFUSED));
    }

    /** The store committed every record of the segment: its file goes. */
    void forget(Segment segment) throws IOException {
        if (segment.path() != null) {
            Files.deleteIfExists(segment.path());
        }
    }

    @Override
    public synchronized void close() throws IOException {
        if (overflow != null) {
            overflow.close();
            overflow = null;
        }
        lock.release();
        lockFile.close();
    }

    private void setAside(Path segment, int line) throws IOException {
        // named by when it was set aside too: a later run's segment of the same name must not replace it
        Path aside = Files.createDirectories(dir.resolve(UNREADABLE))
                .resolve(segment.getFileName() + "." + System.currentTimeMillis());
        Files.move(segment, aside);
        LOG.error("Line {} of the ledger journal segment {} cannot be read: the file was moved to {}, and its records"
                + " are not in the ledger until an operator repairs it and puts it back", line, segment.getFileName(), aside);
    }

    private Path newSegmentPath() {
        return dir.resolve(String.format("%s%020d%s", PREFIX, nextSequence.getAndIncrement(), SUFFIX));
    }

    private static List<Path> segments(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(path -> {
                String name = path.getFileName().toString();
                return name.startsWith(PREFIX) && name.endsWith(SUFFIX);
            }).sorted().toList();
        }
    }

    private static long sequence(Path segment) {
        String name = segment.getFileName().toString();
        try {
            return Long.parseLong(name.substring(PREFIX.length(), name.length() - SUFFIX.length()));
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
