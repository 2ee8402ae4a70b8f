import Testing
@testable import ConformancePostgres

/// Masking and reading connection strings, without a server.
@Suite struct PostgresDatabaseURLTests {
    @Test(arguments: [
        ("postgresql://alice:secret@db.example.com:5432/app?sslmode=require",
         "postgresql://alice:****@db.example.com:5432/app?sslmode=require"),
        ("postgres://alice:p%40ss%2Fw%3Ard@ep-cool-1234.us-east-2.aws.neon.tech/neondb",
         "postgres://alice:****@ep-cool-1234.us-east-2.aws.neon.tech/neondb"),
        ("postgresql://alice@host/db?password=secret&sslmode=require",
         "postgresql://alice@host/db?password=****&sslmode=require"),
        ("postgresql://alice:pa@ss/wd?x@host/db",       // unencoded @ / ? in the password
         "postgresql://alice:****@host/db"),
        ("postgresql://host/db?user=a@b&password=x1",
         "postgresql://host/db?user=a@b&password=****"),
        ("host=h port=5432 password=secret user=u", "host=h port=5432 password=**** user=u"),
        ("host=h password = 'it''s \\' quoted' user=u", "host=h password = **** user=u"),
        ("postgresql://alice@host/db", "postgresql://alice@host/db"),
        ("host=h user=u", "host=h user=u"),
    ])
    func redacts(_ input: String, _ expected: String) {
        #expect(DatabaseURL.redacted(input) == expected)
    }

    @Test func readsPasswordAndHost() {
        #expect(DatabaseURL.password(of: "postgres://a:p%40ss@h/db") == "p@ss")
        #expect(DatabaseURL.password(of: "host=h password='a b\\'c'") == "a b'c")
        #expect(DatabaseURL.password(of: "postgresql://a@h/db") == nil)
        #expect(DatabaseURL.host(of: "postgresql://a:b@ep-x-123-pooler.eu-central-1.aws.neon.tech/neondb?sslmode=require")
                == "ep-x-123-pooler.eu-central-1.aws.neon.tech")
        #expect(DatabaseURL.host(of: "postgresql://a:b@h1:5432,h2:5433/db") == "h1")
        #expect(DatabaseURL.host(of: "postgresql://a:b@[::1]:5432/db") == "::1")
        #expect(DatabaseURL.host(of: "host=db.internal port=5432") == "db.internal")
        #expect(DatabaseURL.host(of: "postgresql:///db") == nil)
        // Malformed for libpq, still read leniently.
        #expect(DatabaseURL.host(of: "postgresql://a:%zz@broken.example:5432/db") == "broken.example")
        #expect(DatabaseURL.password(of: "postgresql://a:%zz@broken.example/db") == "%zz")
    }

    @Test func scrubsEverySpellingOfThePassword() {
        let url = "postgresql://a:p%40ss%20w0rd@h/db"
        let message = "failed for p@ss w0rd / p%40ss%20w0rd"
        let scrubbed = DatabaseURL.scrub(message, secretsOf: url)
        #expect(!scrubbed.contains("p@ss"))
        #expect(!scrubbed.contains("p%40ss"))
        #expect(scrubbed == "failed for **** / ****")
    }
}

/// Backoff and which failures are worth retrying.
@Suite struct PostgresConnectionRetryTests {
    @Test func backoffDoublesWithEqualJitterAndIsCapped() {
        var options = ConnectOptions()
        options.baseDelay = 0.25
        options.maxDelay = 4
        #expect(ConnectionRetry.delay(afterAttempt: 1, options: options, random: 0) == 0.125)
        #expect(ConnectionRetry.delay(afterAttempt: 1, options: options, random: 1) == 0.25)
        #expect(ConnectionRetry.delay(afterAttempt: 3, options: options, random: 1) == 1)
        #expect(ConnectionRetry.delay(afterAttempt: 10, options: options, random: 1) == 4)
        #expect(ConnectionRetry.delay(afterAttempt: 10, options: options, random: 0) == 2)
        #expect(ConnectionRetry.delay(afterAttempt: 500, options: options, random: 0.5).isFinite)
    }

    @Test func permanentFailuresAreNotRetried() {
        let permanent = [
            #"connection to server at "h" (1.2.3.4), port 5432 failed: FATAL:  password authentication failed for user "u""#,
            #"FATAL:  database "x" does not exist"#,
            "SSL error: certificate verify failed",
            #"server certificate for "a" does not match host name "b""#,
            "ERROR: The endpoint ID is not specified. Either please upgrade the postgres client library (libpq) for SNI support or pass the endpoint ID (first part of the domain name) as a parameter: '?options=endpoint%3D<endpoint-id>'.",
        ]
        for message in permanent {
            #expect(ConnectionRetry.isPermanent(message: message, needsPassword: false), "\(message)")
        }
        #expect(ConnectionRetry.isPermanent(message: "anything", needsPassword: true))
        let transient = [
            "connection to server at \"h\", port 5432 failed: Connection refused",
            "timeout expired",
            "ERROR: Couldn't connect to compute node",
            "FATAL:  the database system is starting up",
            "FATAL:  sorry, too many clients already",
        ]
        for message in transient {
            #expect(!ConnectionRetry.isPermanent(message: message, needsPassword: false), "\(message)")
        }
    }
}
