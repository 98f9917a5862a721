package caravan.routing;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import static org.assertj.core.api.Assertions.assertThat;

/** Operators find each breaker state change in the log once: provider, from, to, and the rates behind it. */
class CircuitBreakerLogTest {

    private final Logger log = (Logger) LoggerFactory.getLogger(CircuitBreakers.class);
    private final ListAppender<ILoggingEvent> lines = new ListAppender<>();

    @BeforeEach
    void capture() {
        lines.start();
        log.addAppender(lines);
    }

    @AfterEach
    void release() {
        log.detachAppender(lines);
    }

    @Test
    void eachStateChangeIsLoggedOnceWithProviderStatesAndFailureRate() {
        CircuitBreakers breakers = new CircuitBreakers(CircuitBreakers.config(50, 100, Duration.ofSeconds(10), 4, 4,
                Duration.ofMinutes(1), 1));
        CircuitBreaker breaker = breakers.of("openai");

        for (int i = 0; i < 10; i++) {
            if (breaker.tryAcquirePermission()) {
                breaker.onError(1, TimeUnit.MILLISECONDS, new RuntimeException("503"));
            }
        }
        List<ILoggingEvent> opened = List.copyOf(lines.list);
        assertThat(opened).hasSize(1);
        assertThat(opened.get(0).getLevel()).isEqualTo(Level.WARN);
        assertThat(opened.get(0).getFormattedMessage())
                .isEqualTo("Circuit breaker of provider openai: closed -> open (failure rate 100%, slow-call rate 0%, over the last 4 calls)");

        breaker.transitionToHalfOpenState();
        breaker.tryAcquirePermission();
        breaker.onSuccess(1, TimeUnit.MILLISECONDS);

        assertThat(lines.list).extracting(ILoggingEvent::getFormattedMessage).hasSize(3);
        assertThat(lines.list.get(1).getFormattedMessage()).startsWith("Circuit breaker of provider openai: open -> half_open");
        assertThat(lines.list.get(2).getFormattedMessage()).startsWith("Circuit breaker of provider openai: half_open -> closed");
        assertThat(lines.list.get(2).getLevel()).isEqualTo(Level.INFO);
    }
}
