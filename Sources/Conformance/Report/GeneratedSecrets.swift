import ConformanceCrypto

extension Redactor {
    /// A fresh password for the harness to send (a user's, an impostor's, a second sign-up's),
    /// registered here the moment it exists, so that no output can show it. It meets the usual
    /// password rules: upper and lower case, a digit, a symbol, 31 characters.
    public func newPassword(prefix: String = "Cf-") -> String {
        let password = prefix + SecureRandom.alphanumeric(26) + "9z"
        add(password)
        return password
    }

    /// Every value of `BETTER_AUTH_SECRETS` (`version:value,...`) and `BETTER_AUTH_SECRET`.
    public func addAuthSecrets(_ environment: [String: String], secret: String?) {
        add(secret)
        for value in SigningKeyRecovery.Secrets(legacy: nil, secretsVariable: environment["BETTER_AUTH_SECRETS"]).versioned.values { add(value) }
    }
}
