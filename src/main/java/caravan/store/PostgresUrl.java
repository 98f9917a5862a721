package caravan.store;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;

/**
 * A {@code DATABASE_URL} as the platforms write it ({@code postgresql://user:pass@host:5432/db?sslmode=require},
 * {@code postgres://...}) or as JDBC does ({@code jdbc:postgresql://host/db?user=...}), taken apart so that the
 * credentials travel only as connection properties: the JDBC URL that the pool and Flyway log, and every
 * message that names the database, carry none.
 */
final class PostgresUrl {

    private static final int DEFAULT_PORT = 5432;

    private final String jdbcUrl;
    private final Properties credentials;
    private final String hostAndPort;
    private final String database;

    private PostgresUrl(String jdbcUrl, Properties credentials, String hostAndPort, String database) {
        this.jdbcUrl = jdbcUrl;
        this.credentials = credentials;
        this.hostAndPort = hostAndPort;
        this.database = database;
    }

    /** @throws IllegalArgumentException when it is no PostgreSQL URL; the message never repeats the value */
    static PostgresUrl parse(String url) {
        String rest = afterScheme(url.trim());
        int pathStart = indexOfAny(rest, "/?");
        String authority = pathStart < 0 ? rest : rest.substring(0, pathStart);
        String pathAndQuery = pathStart < 0 ? "" : rest.substring(pathStart);

        Properties credentials = new Properties();
        // the last '@' ends the user part: an unencoded '@' in a password is common enough to allow
        int at = authority.lastIndexOf('@');
        if (at >= 0) {
            String userInfo = authority.substring(0, at);
            authority = authority.substring(at + 1);
            int colon = userInfo.indexOf(':');
            putUnlessEmpty(credentials, "user", decode(colon < 0 ? userInfo : userInfo.substring(0, colon), false));
            if (colon >= 0) {
                credentials.setProperty("password", decode(userInfo.substring(colon + 1), false));
            }
        }
        if (authority.isEmpty()) {
            throw new IllegalArgumentException("DATABASE_URL names no host (postgresql://user:password@host:5432/database)");
        }

        int queryStart = pathAndQuery.indexOf('?');
        String path = queryStart < 0 ? pathAndQuery : pathAndQuery.substring(0, queryStart);
        String query = queryStart < 0 ? "" : pathAndQuery.substring(queryStart + 1);
        List<String> kept = new ArrayList<>();
        for (String parameter : query.split("&")) {
            if (parameter.isEmpty()) {
                continue;
            }
            int equals = parameter.indexOf('=');
            String name = equals < 0 ? parameter : parameter.substring(0, equals);
            if (name.equals("user") || name.toLowerCase(Locale.ROOT).contains("password")) {
                // password, sslpassword: as properties they stay out of the URL, and so out of every log
                // (the JDBC driver decodes its query parameters as a form does: '+' is a space)
                credentials.setProperty(name, equals < 0 ? "" : decode(parameter.substring(equals + 1), true));
            } else {
                kept.add(parameter);
            }
        }

        String database = path.startsWith("/") ? path.substring(1) : path;
        String jdbcUrl = "jdbc:postgresql://" + authority + "/" + database
                + (kept.isEmpty() ? "" : "?" + String.join("&", kept));
        String hostAndPort = authority.contains(",") || hasPort(authority) ? authority : authority + ":" + DEFAULT_PORT;
        return new PostgresUrl(jdbcUrl, credentials, hostAndPort, decode(database, false));
    }

    /** The URL for the driver: host, port, database and options, without user or password. */
    String jdbcUrl() {
        return jdbcUrl;
    }

    /**
     * The connection properties the URL carried: {@code user}, {@code password} (decoded) and any other
     * password parameter ({@code sslpassword}); a copy, empty when it named no user.
     */
    Properties credentials() {
        Properties copy = new Properties();
        copy.putAll(credentials);
        return copy;
    }

    /** {@code host:port/database}, for messages. */
    String describe() {
        return hostAndPort + "/" + database;
    }

    @Override
    public String toString() {
        return "PostgresUrl[" + describe() + "]";
    }

    private static String afterScheme(String url) {
        for (String scheme : List.of("jdbc:postgresql://", "postgresql://", "postgres://")) {
            if (url.regionMatches(true, 0, scheme, 0, scheme.length())) {
                return url.substring(scheme.length());
            }
        }
        throw new IllegalArgumentException(
                "DATABASE_URL must start with postgresql://, postgres:// or jdbc:postgresql:// (postgresql://user:password@host:5432/database)");
    }

    /**
     * Percent-decoding; {@code plusIsSpace} as in a query string, otherwise (user part, path) a '+' is a plus.
     * The decoder's own message quotes the text, which may be a password: it is not passed on.
     */
    private static String decode(String encoded, boolean plusIsSpace) {
        try {
            return URLDecoder.decode(plusIsSpace ? encoded : encoded.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("DATABASE_URL has a malformed %-escape");
        }
    }

    private static void putUnlessEmpty(Properties properties, String name, String value) {
        if (!value.isEmpty()) {
            properties.setProperty(name, value);
        }
    }

    private static boolean hasPort(String authority) {
        int closingBracket = authority.lastIndexOf(']'); // [::1]:5432
        return authority.lastIndexOf(':') > closingBracket;
    }

    private static int indexOfAny(String text, String characters) {
        for (int i = 0; i < text.length(); i++) {
            if (characters.indexOf(text.charAt(i)) >= 0) {
                return i;
            }
        }
        return -1;
    }
}
