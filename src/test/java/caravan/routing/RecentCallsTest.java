package caravan.routing;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import caravan.api.RequestIds;
import org.junit.jupiter.api.Test;

class RecentCallsTest {

    private final RequestIds ids = new RequestIds();
    private final AtomicLong now = new AtomicLong();
    private final RecentCalls recent = new RecentCalls(ids, 4, Duration.ofSeconds(10), now::get);
    private final Target openai = Target.parse("openai/gpt-4o-mini");
    private final Target anthropic = Target.parse("anthropic/claude-3-5-haiku");

    @Test
    void remembersWhoAnsweredEachRequest() {
        String first = ids.generateUuid();
        String second = ids.generateUuid();
        recent.remember(first, openai);
        recent.remember(second, anthropic);

        assertThat(recent.servedBy(first)).isEqualTo(openai);
        assertThat(recent.servedBy(second)).isEqualTo(anthropic);
        assertThat(recent.servedBy(ids.generateUuid())).isNull();
        assertThat(recent.servedBy("not-an-id")).isNull();
    }

    @Test
    void forgetsARequestOnceCapacityNewerOnesTookItsPlace() {
        String oldest = ids.generateUuid();
        recent.remember(oldest, openai);
        String newest = null;
        for (int i = 0; i < 4; i++) {
            newest = ids.generateUuid();
            recent.remember(newest, anthropic);
        }

        assertThat(recent.servedBy(oldest)).isNull();
        assertThat(recent.servedBy(newest)).isEqualTo(anthropic);
    }

    @Test
    void forgetsARequestAfterTheKeepTime() {
        String id = ids.generateUuid();
        recent.remember(id, openai);

        now.addAndGet(Duration.ofSeconds(10).toNanos());
        assertThat(recent.servedBy(id)).isEqualTo(openai);
        now.incrementAndGet();
        assertThat(recent.servedBy(id)).isNull();
    }
}
