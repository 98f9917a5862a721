package caravan.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;
import org.junit.jupiter.api.Test;

/**
 * A text counted piece by piece, however it was cut, gets the count of the same text whole: the slicing a
 * whole text is counted with (at most 8 KiB, ending at the last space; past 256 KiB four characters a
 * token), written out here independently as the reference.
 */
class RunningTokenCountTest {

    private static final Encoding O200K = Encodings.newLazyEncodingRegistry().getEncoding(EncodingType.O200K_BASE);
    private static final String[] WORDS = {"the ", "invoice ", "total ", "is ", "1,284.50 ", "EUR", ", ", "due ",
            "münchen ", "東京 ", "\n", "naïve ", "co-operate ", "    ", "😀 ", "tokenization", "."};

    @Test
    void aShortTextPieceByPieceCountsAsWhole() {
        String text = "Hello! How can I assist you today? The invoice total is 1,284.50 EUR.";
        RunningTokenCount running = new RunningTokenCount();
        for (int i = 0; i < text.length(); i += 3) {
            running.add(text.substring(i, Math.min(text.length(), i + 3)));
        }

        assertThat(running.total()).isEqualTo(O200K.countTokens(text)).isEqualTo(TokenCount.of(text));
    }

    @Test
    void longTextsCutAnyWayCountAsTheWholeTextIsSliced() {
        Random random = new Random(4711);
        // across the slice size, one long run without a space, and across the exact part's end
        int[] lengths = {TokenCount.SLICE_CHARS - 1, TokenCount.SLICE_CHARS, TokenCount.SLICE_CHARS + 1, 3 * TokenCount.SLICE_CHARS + 17,
                TokenCount.EXACT_CHARS, TokenCount.EXACT_CHARS + 5_000};
        for (int length : lengths) {
            String text = text(random, length, random.nextBoolean());
            RunningTokenCount running = new RunningTokenCount();
            for (int at = 0; at < text.length(); ) {
                int end = Math.min(text.length(), at + 1 + random.nextInt(random.nextBoolean() ? 40 : 20_000));
                running.add(text.substring(at, end));
                at = end;
            }

            assertThat(running.total()).as("%d characters", length).isEqualTo(reference(text));
            assertThat(TokenCount.of(text)).isEqualTo(reference(text));
        }
    }

    @Test
    void whileTheTablesLoadSlicesWaitOnTheLoopAndCountAlikeAfter() {
        Random random = new Random(815);
        String text = text(random, 3 * TokenCount.SLICE_CHARS + 17, false);
        AtomicBoolean loaded = new AtomicBoolean();
        AtomicInteger loadsAsked = new AtomicInteger();
        RunningTokenCount running = new RunningTokenCount(loaded::get, loadsAsked::incrementAndGet);
        int half = text.length() / 2;

        running.add(text.substring(0, half));
        // nothing counted on the asking thread (an event loop, as a stream passes): the load was asked for
        assertThat(running.countedChars()).isZero();
        assertThat(loadsAsked).hasPositiveValue();

        loaded.set(true);
        running.add(text.substring(half));
        assertThat(running.countedChars()).isPositive();
        assertThat(running.total()).isEqualTo(reference(text));
    }

    @Test
    void slicesPutOffAreCountedWhenTheTotalIsAsked() {
        String text = text(new Random(816), 2 * TokenCount.SLICE_CHARS + 5, false);
        RunningTokenCount running = new RunningTokenCount(() -> false, () -> { }).add(text);

        assertThat(running.countedChars()).isZero();
        assertThat(running.total()).isEqualTo(reference(text));
    }

    @Test
    void whatWaitsForTheTablesIsBoundedByTheExactPart() {
        String text = text(new Random(817), TokenCount.EXACT_CHARS + 5_000, false);
        RunningTokenCount running = new RunningTokenCount(() -> false, () -> { });
        for (int at = 0; at < text.length(); at += 1_000) {
            running.add(text.substring(at, Math.min(text.length(), at + 1_000)));
        }

        // past the exactly counted part it counts on the asking thread rather than hold more
        assertThat(running.countedChars()).isEqualTo(TokenCount.EXACT_CHARS);
        assertThat(running.total()).isEqualTo(reference(text));
    }

    @Test
    void aRunWithoutSpacesIsCutAtTheSliceSize() {
        String run = "a".repeat(3 * TokenCount.SLICE_CHARS + 100);
        RunningTokenCount running = new RunningTokenCount().add(run.substring(0, 10)).add(run.substring(10));

        assertThat(running.total()).isEqualTo(reference(run));
    }

    /** The whole-text slicing, as TokenCount counted before the running count existed. */
    private static long reference(String text) {
        if (text.length() <= TokenCount.SLICE_CHARS) {
            return O200K.countTokens(text);
        }
        int counted = Math.min(text.length(), TokenCount.EXACT_CHARS);
        long tokens = 0;
        for (int at = 0; at < counted; ) {
            int end = Math.min(counted, at + TokenCount.SLICE_CHARS);
            if (end < counted) {
                int space = text.lastIndexOf(' ', end);
                if (space > at) {
                    end = space;
                }
            }
            tokens += O200K.countTokens(text.substring(at, end));
            at = end;
        }
        return tokens + (text.length() - counted + 3) / 4;
    }

    private static String text(Random random, int length, boolean withLongRun) {
        StringBuilder text = new StringBuilder(length + 32);
        while (text.length() < length) {
            if (withLongRun && text.length() > length / 3 && text.length() < length / 3 + 20) {
                text.append("x".repeat(TokenCount.SLICE_CHARS + 500));
            }
            text.append(WORDS[random.nextInt(WORDS.length)]);
        }
        text.setLength(length);
        return text.toString();
    }
}
