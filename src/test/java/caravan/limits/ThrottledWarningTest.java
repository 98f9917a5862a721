package caravan.limits;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class ThrottledWarningTest {

    @Test
    void aBurstOfFailuresIsOneLine() {
        Logger log = (Logger) LoggerFactory.getLogger("caravan.limits.test." + System.nanoTime());
        ListAppender<ILoggingEvent> lines = new ListAppender<>();
        lines.start();
        log.addAppender(lines);
        ThrottledWarning warning = new ThrottledWarning(log, "Could not settle", Duration.ofMinutes(1));

        for (int i = 0; i < 100; i++) {
            warning.warn(new StoreUnavailableException("Redis at redis://127.0.0.1:6379 did not answer", null));
        }

        assertThat(lines.list).hasSize(1);
        assertThat(lines.list.get(0).getFormattedMessage()).startsWith("Could not settle: Redis at redis://127.0.0.1:6379 did not answer");
    }
}
