package caravan.store;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

/** DATABASE_URL in the forms platforms and JDBC write it; no server needed. */
class PostgresUrlTest {

    @Test
    void takesThePlatformFormApart() {
        PostgresUrl url = PostgresUrl.parse("postgresql://caravan:s3cret@db.internal:6543/gateway?sslmode=require");

        assertThat(url.jdbcUrl()).isEqualTo("jdbc:postgresql://db.internal:6543/gateway?sslmode=require");
        assertThat(url.credentials()).containsOnly(entry("user", "caravan"), entry("password", "s3cret"));
        assertThat(url.describe()).isEqualTo("db.internal:6543/gateway");
    }

    @Test
    void acceptsThePostgresSchemeAndNamesTheDefaultPort() {
        PostgresUrl url = PostgresUrl.parse("postgres://caravan:pw@db.internal/gateway");

        assertThat(url.jdbcUrl()).isEqualTo("jdbc:postgresql://db.internal/gateway");
        assertThat(url.describe()).isEqualTo("db.internal:5432/gateway");
    }

    @Test
    void decodesTheUserPartWhereAPlusIsAPlus() {
        PostgresUrl url = PostgresUrl.parse("postgresql://ops%40acme:p%40ss%2Fw%3Ard+x@127.0.0.1:5432/caravan");

        assertThat(url.credentials()).containsOnly(entry("user", "ops@acme"), entry("password", "p@ss/w:rd+x"));
    }

    @Test
    void allowsAnUnencodedAtSignInThePassword() {
        assertThat(PostgresUrl.parse("postgresql://caravan:p@ss@db:5432/caravan").credentials())
                .containsOnly(entry("user", "caravan"), entry("password", "p@ss"));
    }

    @Test
    void movesTheJdbcFormsCredentialsOutOfItsUrl() {
        PostgresUrl url = PostgresUrl.parse(
                "jdbc:postgresql://db:5432/caravan?user=caravan&password=s%3Dcret%21&ssl=true&sslpassword=k%2Bey");

        assertThat(url.jdbcUrl()).isEqualTo("jdbc:postgresql://db:5432/caravan?ssl=true");
        assertThat(url.credentials()).containsOnly(
                entry("user", "caravan"), entry("password", "s=cret!"), entry("sslpassword", "k+ey"));
        assertThat(url.describe()).isEqualTo("db:5432/caravan");
    }

    @Test
    void leavesAUrlWithoutCredentialsAsItIs() {
        PostgresUrl url = PostgresUrl.parse("jdbc:postgresql://[::1]:5433/caravan");

        assertThat(url.jdbcUrl()).isEqualTo("jdbc:postgresql://[::1]:5433/caravan");
        assertThat(url.credentials()).isEmpty();
        assertThat(url.describe()).isEqualTo("[::1]:5433/caravan");
    }

    @Test
    void neverShowsThePassword() {
        PostgresUrl url = PostgresUrl.parse("postgresql://caravan:hunter2@db/caravan");

        assertThat(url.toString()).contains("db:5432/caravan").doesNotContain("hunter2");
        assertThat(url.jdbcUrl()).doesNotContain("hunter2");
    }

    @Test
    void rejectsOtherUrlsWithoutRepeatingThem() {
        assertThatThrownBy(() -> PostgresUrl.parse("mysql://caravan:hunter2@db/caravan"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("postgresql://")
                .hasMessageNotContaining("hunter2");
        assertThatThrownBy(() -> PostgresUrl.parse("postgresql://caravan:%zzhunter2@db/caravan"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("%-escape")
                .hasMessageNotContaining("hunter2");
        assertThatThrownBy(() -> PostgresUrl.parse("postgresql://caravan:hunter2@/caravan"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no host")
                .hasMessageNotContaining("hunter2");
    }
}
