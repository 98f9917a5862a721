package caravan.providers.sse;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import caravan.testing.Recorded;
import org.junit.jupiter.api.Test;

class SseReaderTest {

    /** One dispatched event, comparable by value. */
    record Event(String name, String data) {
    }

    /** Collects what a reader dispatches, across feeds and the final finish(). */
    private static final class Collector implements SseReader.Listener {
        final List<Event> events = new ArrayList<>();

        @Override
        public void onEvent(String event, byte[] data) {
            events.add(new Event(event, new String(data, StandardCharsets.UTF_8)));
        }
    }

    private static List<Event> read(byte[]... feeds) {
        SseReader reader = new SseReader();
        Collector collector = new Collector();
        for (byte[] feed : feeds) {
            reader.feed(feed, collector);
        }
        reader.finish(collector);
        return collector.events;
    }

    private static List<Event> read(String... feeds) {
        return read(Arrays.stream(feeds).map(f -> f.getBytes(StandardCharsets.UTF_8)).toArray(byte[][]::new));
    }

    private static Event data(String data) {
        return new Event(null, data);
    }

    @Test
    void recordedStreamFedWholeGivesOneEventPerDataLine() {
        List<Event> events = read(Recorded.bytes("openai", "stream.sse"));

        List<Event> expected = new ArrayList<>();
        for (String event : Recorded.sseEvents("openai", "stream.sse")) {
            expected.add(data(event.substring("data: ".length(), event.length() - 2)));
        }
        assertThat(expected).hasSize(7);
        assertThat(events).containsExactlyElementsOf(expected);
    }

    @Test
    void aByteOrderMarkBeforeTheFirstLineIsSkipped() {
        byte[] bom = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
        byte[] rest = "data: first\n\ndata: second\n\n".getBytes(StandardCharsets.UTF_8);

        assertThat(read(bom, rest)).containsExactly(data("first"), data("second"));
    }

    @Test
    void recordedStreamFedOneByteAtATimeGivesTheSameEvents() {
        byte[] stream = Recorded.bytes("openai", "stream.sse");
        byte[][] singleBytes = new byte[stream.length][];
        for (int i = 0; i < stream.length; i++) {
            singleBytes[i] = new byte[] {stream[i]};
        }

        assertThat(read(singleBytes)).isEqualTo(read(stream));
    }

    @Test
    void recordedStreamSplitInTwoAtEveryByteGivesTheSameEvents() {
        byte[] stream = Recorded.bytes("openai", "stream.sse");
        List<Event> whole = read(stream);

        for (int split = 0; split <= stream.length; split++) {
            List<Event> events = read(Arrays.copyOfRange(stream, 0, split), Arrays.copyOfRange(stream, split, stream.length));
            assertThat(events).as("split at byte %d", split).isEqualTo(whole);
        }
    }

    // each stream has a two-line event, so a line end mistaken for a blank line would split it

    @Test
    void linesMayEndInLf() {
        assertThat(read("data: a\ndata: b\n\ndata: c\n\n")).containsExactly(data("a\nb"), data("c"));
    }

    @Test
    void linesMayEndInCr() {
        assertThat(read("data: a\rdata: b\r\rdata: c\r\r")).containsExactly(data("a\nb"), data("c"));
    }

    @Test
    void linesMayEndInCrLf() {
        assertThat(read("data: a\r\ndata: b\r\n\r\ndata: c\r\n\r\n")).containsExactly(data("a\nb"), data("c"));
    }

    @Test
    void lineEndingsMayBeMixedInOneStream() {
        // only an LF right after a CR belongs to it; a later LF ends its own line
        assertThat(read("data: a\rdata: b\ndata: c\r\n\n")).containsExactly(data("a\nb\nc"));
    }

    @Test
    void crLfSplitAcrossTwoFeedsIsOneLineEnd() {
        // were the LF taken as a second line end, it would be a blank line dispatching "a" alone
        assertThat(read("data: a\r", "\ndata: b\r\n\r\n")).containsExactly(data("a\nb"));
    }

    @Test
    void blankCrLfLineSplitAcrossTwoFeedsDispatchesOnce() {
        assertThat(read("data: a\r\n\r", "\ndata: b\r\n\r\n")).containsExactly(data("a"), data("b"));
    }

    @Test
    void dataLinesOfOneEventAreJoinedWithLf() {
        assertThat(read("data: first\ndata: second\ndata: third\n\n")).containsExactly(data("first\nsecond\nthird"));
    }

    @Test
    void eventFieldIsReportedWithItsData() {
        assertThat(read("event: error\ndata: {}\n\ndata: plain\n\n"))
                .containsExactly(new Event("error", "{}"), data("plain"));
    }

    @Test
    void commentLinesAreIgnored() {
        assertThat(read(": ping\n\ndata: a\n: keep-alive\ndata: b\n\n")).containsExactly(data("a\nb"));
    }

    @Test
    void dataWithoutSpaceAfterColonIsRead() {
        assertThat(read("data:x\n\n")).containsExactly(data("x"));
    }

    @Test
    void onlyOneSpaceAfterColonIsRemoved() {
        assertThat(read("data:  x\n\n")).containsExactly(data(" x"));
    }

    @Test
    void finishDeliversLastEventWithoutBlankLine() {
        assertThat(read("data: a\n\ndata: last\n")).containsExactly(data("a"), data("last"));
    }

    @Test
    void finishDeliversLastEventWhoseLineHasNoEnd() {
        assertThat(read("data: a\n\ndata: last")).containsExactly(data("a"), data("last"));
    }

    @Test
    void eventWithoutDataIsNotDispatchedAndItsNameDoesNotLeak() {
        assertThat(read("event: ping\n\ndata: a\n\n")).containsExactly(data("a"));
    }

    @Test
    void eventFieldWithoutDataIsNotDispatchedByFinish() {
        assertThat(read("event: ping\n")).isEmpty();
    }

    @Test
    void linesLongerThanTheInitialBufferAreKeptWhole() {
        String payload = "x".repeat(5_000);

        assertThat(read("data: " + payload.substring(0, 700), payload.substring(700) + "\n\n"))
                .containsExactly(data(payload));
    }
}
