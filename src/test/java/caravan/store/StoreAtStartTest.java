package caravan.store;

import java.time.Duration;

import caravan.testing.GatewayUnderTest;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * The gateway opens its database while its routes load, and its start still fails, naming the database,
 * when that cannot be opened: a gateway never listens without its keys.
 */
class StoreAtStartTest {

    @Test
    void aDatabaseThatDoesNotAnswerFailsTheStartNamingIt() throws Exception {
        int closedPort = TestPostgres.closedPort();
        String url = "postgresql://caravan:hunter2-secret@127.0.0.1:" + closedPort + "/gateway";

        Throwable failure = assertTimeoutPreemptively(Duration.ofSeconds(30), () -> catchThrowable(
                () -> GatewayUnderTest.builder().property("gateway.database-url", url).start().close()));

        assertThat(rootStoreFailure(failure)).isNotNull().extracting(Throwable::getMessage).asString()
                .startsWith("Cannot connect to the database (PostgreSQL 127.0.0.1:" + closedPort + "/gateway)")
                .doesNotContain("hunter2-secret");
    }

    private static StoreException rootStoreFailure(Throwable failure) {
        StoreException found = null;
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof StoreException store) {
                found = store;
            }
        }
        return found;
    }
}
