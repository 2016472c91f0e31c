package org.conflictgraph.neo4j;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.kernel.internal.Version;

/**
 * Neo4j Community (the kernel, Cypher runtime and Bolt server of the packaged server) with a
 * Bolt connector on loopback, authentication on, bounded memory, data in a folder of the
 * caller's choosing.
 *
 * <p>Prints one line {@code NEO4J_URI=bolt://127.0.0.1:PORT} when Bolt accepts connections,
 * and writes {@code connection.env} (mode 600: NEO4J_URI, NEO4J_USER, NEO4J_PASSWORD) into the
 * data folder (and CONFLICTGRAPH_STORE, for the `conflictgraph` command). Stops cleanly (checkpoint, store closed) on SIGTERM or SIGINT, and — with
 * {@code --stop-on-eof} — when its standard input closes, so a test run that dies cannot leave
 * a server behind.
 *
 * <p>Usage: {@code Launcher --data DIR [--port N (0: a free one)] [--page-cache 256m]
 * [--tx-memory 512m] [--tx-timeout 60s] [--password PW] [--stop-on-eof]}. The heap is the
 * JVM's own {@code -Xmx}, set by {@code tools/neo4j/run}.
 */
public final class Launcher {
    private Launcher() {}

    public static void main(String[] argv) throws Exception {
        Map<String, String> args = parse(argv);
        Path data = Path.of(required(args, "data")).toAbsolutePath();
        int port = Integer.parseInt(args.getOrDefault("port", "0"));
        if (port == 0) {
            port = freePort();
        }
        String password = args.containsKey("password") ? args.get("password") : generatedPassword();
        Files.createDirectories(data);

        DatabaseManagementService dbms = new DatabaseManagementServiceBuilder(data)
                .setConfig(GraphDatabaseSettings.auth_enabled, true)
                .setConfig(GraphDatabaseSettings.pagecache_memory, bytes(args.getOrDefault("page-cache", "256m")))
                .setConfig(GraphDatabaseSettings.memory_transaction_global_max_size,
                           bytes(args.getOrDefault("tx-memory", "512m")))
                .setConfig(GraphDatabaseSettings.transaction_timeout,
                           Duration.parse("PT" + args.getOrDefault("tx-timeout", "0s").toUpperCase()))
                // Test and laptop stores: no 1 MB-per-file preallocation of logs.
                .setConfig(GraphDatabaseSettings.preallocate_logical_logs, false)
                .setConfig(BoltConnector.enabled, true)
                .setConfig(BoltConnector.listen_address, new SocketAddress("127.0.0.1", port))
                .build();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            dbms.shutdown();
            stopped.countDown();
        }, "neo4j-shutdown"));

        // The embedded API runs with full rights, so the built-in user's password is set here,
        // on every start: a reused data folder gets the password this start announces.
        dbms.database(GraphDatabaseSettings.SYSTEM_DATABASE_NAME).executeTransactionally(
                "ALTER USER neo4j SET PASSWORD $password CHANGE NOT REQUIRED", Map.of("password", password));

        String uri = "bolt://127.0.0.1:" + port;
        Path env = data.resolve("connection.env");
        Files.deleteIfExists(env);
        Files.createFile(env, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        // Sourced by a shell (`set -a; . connection.env`), this points `conflictgraph` at it too.
        Files.writeString(env, "NEO4J_URI=" + uri + "\nNEO4J_USER=neo4j\nNEO4J_PASSWORD=" + password
                          + "\nCONFLICTGRAPH_STORE=" + uri + "\n",
                          StandardCharsets.UTF_8, StandardOpenOption.TRUNCATE_EXISTING);
        System.out.println("Neo4j " + Version.getNeo4jVersion() + " community, data in " + data
                           + "; user neo4j, password in " + env);
        System.out.println("NEO4J_URI=" + uri);
        System.out.flush();

        if (args.containsKey("stop-on-eof")) {
            Thread watcher = new Thread(() -> {
                try (InputStream in = System.in) {
                    while (in.read() != -1) {
                        // The parent holds our stdin open for as long as it wants us running.
                    }
                } catch (IOException ignored) {
                    // A broken pipe means the same as end of input.
                }
                System.exit(0);  // runs the shutdown hook
            }, "stdin-watcher");
            watcher.setDaemon(true);
            watcher.start();
        }
        stopped.await();
    }

    private static Map<String, String> parse(String[] argv) {
        Map<String, String> out = new java.util.HashMap<>();
        for (int i = 0; i < argv.length; i++) {
            if (!argv[i].startsWith("--")) {
                usage("unexpected argument " + argv[i]);
            }
            String key = argv[i].substring(2);
            if (key.equals("stop-on-eof")) {
                out.put(key, "true");
            } else if (i + 1 < argv.length) {
                out.put(key, argv[++i]);
            } else {
                usage("--" + key + " needs a value");
            }
        }
        return out;
    }

    private static String required(Map<String, String> args, String key) {
        String value = args.get(key);
        if (value == null) {
            usage("--" + key + " is required");
        }
        return value;
    }

    private static void usage(String problem) {
        System.err.println("neo4j launcher: " + problem + "\nusage: --data DIR [--port N] [--page-cache 256m] "
                           + "[--tx-memory 512m] [--tx-timeout 60s] [--password PW] [--stop-on-eof]");
        System.exit(2);
    }

    /** "256m", "1g", "1048576" to bytes. */
    static long bytes(String text) {
        String t = text.trim().toLowerCase();
        long unit = 1;
        char last = t.charAt(t.length() - 1);
        if (last == 'k' || last == 'm' || last == 'g') {
            unit = last == 'k' ? 1L << 10 : last == 'm' ? 1L << 20 : 1L << 30;
            t = t.substring(0, t.length() - 1);
        }
        return Long.parseLong(t) * unit;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static String generatedPassword() {
        byte[] raw = new byte[18];
        new SecureRandom().nextBytes(raw);
        return HexFormat.of().formatHex(raw);
    }
}
