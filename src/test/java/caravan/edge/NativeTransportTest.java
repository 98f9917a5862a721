package caravan.edge;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

class NativeTransportTest {

    @Test
    @EnabledOnOs(value = OS.LINUX, architectures = {"amd64", "aarch64"})
    void runsOnEpollOnLinux() {
        EdgeServer server = new EdgeServer("127.0.0.1", 0, 1, EdgeLimits.defaults(1024, 1000), new caravan.processors.Authenticate(null, caravan.keys.KeyRegistry.none()));
        try {
            assertThat(server.vertx().isNativeTransportEnabled())
                    .as("epoll transport (%s)", server.vertx().unavailableNativeTransportCause())
                    .isTrue();
        } finally {
            server.vertx().close();
        }
    }
}
