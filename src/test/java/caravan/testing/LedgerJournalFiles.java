package caravan.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.ObjectMapper;

/** The request ids in a gateway's ledger journal ({@code <data dir>/ledger/segment-*.jsonl}), as they lie on disk. */
public final class LedgerJournalFiles {

    private static final ObjectMapper JSON = new ObjectMapper();

    private LedgerJournalFiles() {
    }

    /** Every request id of every whole line of every segment; a segment deleted while it is read counts as empty. */
    public static List<String> requestIds(Path dataDir) {
        Path journal = dataDir.resolve("ledger");
        List<String> ids = new ArrayList<>();
        if (!Files.isDirectory(journal)) {
            return ids;
        }
        try (Stream<Path> files = Files.list(journal)) {
            for (Path segment : files.filter(path -> path.getFileName().toString().startsWith("segment-")).toList()) {
                try {
                    for (String line : Files.readAllLines(segment)) {
                        if (!line.isBlank()) {
                            ids.add(JSON.readTree(line).get("request_id").asText());
                        }
                    }
                } catch (NoSuchFileException written) {
                    // the writer stored and forgot it meanwhile
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return ids;
    }

    /** How many segment files the journal holds now. */
    public static long segments(Path dataDir) {
        Path journal = dataDir.resolve("ledger");
        if (!Files.isDirectory(journal)) {
            return 0;
        }
        try (Stream<Path> files = Files.list(journal)) {
            return files.filter(path -> path.getFileName().toString().startsWith("segment-")).count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
