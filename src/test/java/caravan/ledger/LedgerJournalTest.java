package caravan.ledger;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.stream.Stream;

import caravan.ledger.LedgerJournal.Segment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The ledger's journal as files: what a later run finds, a line cut short by a crash, a damaged file, one owner. */
class LedgerJournalTest {

    @TempDir
    Path dir;

    static LedgerRecord record(String id) {
        return new LedgerRecord(id, 1_767_225_600_000L, "4bf92f3577b34da6a3ce929d0e0e4736", "acme", "search", "key_1",
                "alice", "s-1", "t-1", "/v1/messages", "support", "anthropic", "claude-haiku-4-5", "support", 2, 200, null,
                true, 100, 20, 30, 5, 7, false, new BigDecimal("0.000012345678"), 812_400, 120_000L, 1_200, "hit", null, new BigDecimal("0.0000042"));
    }

    @Test
    void aLaterRunReadsEverySegmentBackExactlyOldestFirst() throws Exception {
        try (LedgerJournal journal = LedgerJournal.open(dir)) {
            journal.write(List.of(record("r-1"), record("r-2")), LedgerJournal.Hold.RECORDS);
            journal.overflow(record("r-3"));
            journal.sealOverflow();
        }

        try (LedgerJournal again = LedgerJournal.open(dir)) {
            List<Segment> left = again.onDisk();
            assertThat(left).hasSize(2);
            assertThat(again.records(left.get(0))).containsExactly(record("r-1"), record("r-2"));
            assertThat(again.records(left.get(1))).containsExactly(record("r-3"));
            // a new segment sorts after those left
            Segment next = again.write(List.of(record("r-4")), LedgerJournal.Hold.NOTHING);
            assertThat(again.onDisk()).last().extracting(Segment::path, Segment::records).containsExactly(next.path(), null);
        }
    }

    @Test
    void aLineLeavesItsNullFieldsOutAndReadsBackWithThemNull() throws Exception {
        LedgerRecord sparse = new LedgerRecord("r-1", 1_767_225_600_000L, null, "default", null, null, null, null, null,
                "/v1/chat/completions", null, "openai", "gpt-4o-mini", "gpt-4o-mini", 1, 200, null, false, 12, 3, 0, 0, 0,
                false, null, 2_000, null, 150, null, null, null);
        Path segment;
        try (LedgerJournal journal = LedgerJournal.open(dir)) {
            segment = journal.write(List.of(sparse), LedgerJournal.Hold.NOTHING).path();
            assertThat(Files.readString(segment)).doesNotContain("null").contains("\"input_tokens\":12")
                    .contains("\"stream\":false");
            assertThat(journal.records(journal.onDisk().get(0))).containsExactly(sparse);
        }
    }

    @Test
    void aLastLineCutShortIsSkippedAndTheRestIsRead() throws Exception {
        Path segment;
        try (LedgerJournal journal = LedgerJournal.open(dir)) {
            segment = journal.write(List.of(record("r-1")), LedgerJournal.Hold.NOTHING).path();
        }
        Files.writeString(segment, "{\"request_id\":\"r-2\",\"time_ms\":17", StandardCharsets.UTF_8, StandardOpenOption.APPEND);

        try (LedgerJournal again = LedgerJournal.open(dir)) {
            assertThat(again.records(again.onDisk().get(0))).containsExactly(record("r-1"));
        }
    }

    @Test
    void aDamagedSegmentIsSetAsideForAnOperatorNotDropped() throws Exception {
        Path segment;
        try (LedgerJournal journal = LedgerJournal.open(dir)) {
            segment = journal.write(List.of(record("r-1"), record("r-2")), LedgerJournal.Hold.NOTHING).path();
        }
        List<String> lines = Files.readAllLines(segment);
        Files.write(segment, List.of("not json", lines.get(1)));

        try (LedgerJournal again = LedgerJournal.open(dir)) {
            assertThat(again.records(again.onDisk().get(0))).isEmpty();
            assertThat(again.onDisk()).isEmpty();
        }
        try (Stream<Path> aside = Files.list(dir.resolve("unreadable"))) {
            assertThat(aside.toList()).singleElement().satisfies(file -> assertThat(Files.readAllLines(file))
                    .containsExactly("not json", lines.get(1)));
        }
    }

    @Test
    void aSecondOwnerIsRefusedWhileTheFirstHasItOpen() throws Exception {
        try (LedgerJournal first = LedgerJournal.open(dir)) {
            assertThatThrownBy(() -> LedgerJournal.open(dir)).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("GATEWAY_DATA_DIR");
        }
        LedgerJournal.open(dir).close();
    }
}
