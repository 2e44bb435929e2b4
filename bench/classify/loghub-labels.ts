/**
 * Hand-assigned categories of the loghub 2k samples' event templates (original loghub EventIds):
 * each template below was read and given the category a person triaging it would pick, using the
 * descriptions of src/ml/classify/taxonomy.ts. Normal block traffic of HDFS is storage (it is what
 * the storage layer does), failed and invalid logins authentication, scanning and break-in
 * warnings security, disconnects and resets network, and the boot and daemon lifecycle chatter
 * of Linux routine.
 */
export const LOGHUB_LABELS: Record<string, Record<string, string>> = {
  HDFS: {
    E1: 'storage', // Served block blk_<*> to /<*>
    E2: 'storage', // Starting thread to transfer block
    E3: 'storage', // Got exception while serving blk_<*> (WARN)
    E4: 'storage', // BLOCK* ask <*> to delete blk_<*>
    E5: 'storage', // BLOCK* ask <*> to replicate blk_<*>
    E6: 'storage', // NameSystem.addStoredBlock: blockMap updated
    E7: 'storage', // NameSystem.allocateBlock
    E8: 'storage', // NameSystem.delete: added to invalidSet
    E9: 'storage', // Deleting block blk_<*> file
    E10: 'storage', // PacketResponder <*> for block terminating
    E11: 'storage', // Received block of size
    E12: 'storage', // Received block src dest of size
    E13: 'storage', // Receiving block src dest
    E14: 'storage', // Verification succeeded for blk_<*>
  },
  Apache: {
    E1: 'routine', // jk2_init() Found child <*> in scoreboard slot <*>
    E2: 'routine', // workerEnv.init() ok <*>
    E3: 'application_error', // mod_jk child workerEnv in error state <*>
    E4: 'security', // [client <*>] Directory index forbidden by rule
    E5: 'application_error', // jk2_init() Can't find child <*> in scoreboard
    E6: 'routine', // mod_jk child init <*> <*>
  },
  OpenSSH: {
    E1: 'authentication', // Accepted password for
    E2: 'network', // Connection closed by <*> [preauth]
    E3: 'security', // Did not receive identification string (scanner)
    E4: 'authentication', // Too many authentication failures for admin
    E5: 'authentication', // Too many authentication failures for root
    E6: 'authentication', // JSchException: Auth fail
    E7: 'authentication', // No more user authentication methods available
    E8: 'authentication', // Failed none for invalid user
    E9: 'authentication', // Failed password for
    E10: 'authentication', // Failed password for invalid user
    E11: 'network', // fatal: Write failed: Connection reset by peer
    E12: 'authentication', // input_userauth_request: invalid user
    E13: 'authentication', // Invalid user <*> from <*>
    E14: 'authentication', // message repeated: Failed password for root
    E15: 'authentication', // PAM more authentication failure
    E16: 'authentication', // PAM more authentication failures
    E17: 'authentication', // PAM more authentication failures user=root
    E18: 'authentication', // PAM service(sshd) ignoring max retries
    E19: 'authentication', // pam_unix authentication failure
    E20: 'authentication', // pam_unix authentication failure user=<*>
    E21: 'authentication', // pam_unix check pass; user unknown
    E22: 'authentication', // session closed for user
    E23: 'authentication', // session opened for user
    E24: 'network', // Received disconnect: Bye Bye [preauth]
    E25: 'network', // Received disconnect: Closed due to user request
    E26: 'network', // Received disconnect: disconnected by user
    E27: 'security', // reverse mapping ... POSSIBLE BREAK-IN ATTEMPT!
  },
  Linux: {
    ...Object.fromEntries(
      // Kernel boot, hardware probing and daemon start/stop lines: routine unless listed below.
      Array.from({ length: 118 }, (_, i) => [`E${i + 1}`, 'routine']),
    ),
    E4: 'configuration', // ACPI disabled because your bios is too old
    E5: 'configuration', // ACPI tables contain no PCI IRQ routing entries
    E8: 'application_error', // ALERT exited abnormally with [1]
    E9: 'authentication', // ANONYMOUS FTP LOGIN FROM
    E13: 'authentication', // Authentication failed from ... replay cache
    E14: 'authentication', // Authentication failed from ... connection abort
    E15: 'authentication', // authentication failure; tty=:0
    E16: 'authentication', // authentication failure; rhost=<*>
    E17: 'authentication', // authentication failure user=guest
    E18: 'authentication', // authentication failure user=root
    E19: 'authentication', // authentication failure user=test
    E27: 'authentication', // check pass; user unknown
    E29: 'network', // connection from <*> (<*>) at <*> (ftpd)
    E31: 'authentication', // Couldn't authenticate user
    E46: 'security', // Failure registering capabilities with the kernel
    E47: 'network', // getpeername (ftpd): Transport endpoint is not connected
    E61: 'authentication', // Kerberos authentication failed
    E75: 'network', // notify question section contains no SOA (named)
    E77: 'configuration', // PCI: Invalid ACPI-PCI IRQ routing table
    E88: 'network', // Received SNMP packet(s) from
    E91: 'authentication', // ROOT LOGIN ON tty2
    E96: 'security', // Security Scaffold initialized
    E97: 'security', // SELinux: Initializing.
    E98: 'security', // SELinux: Registering netfilter hooks
    E99: 'security', // SELinux: Starting in permissive mode
    E100: 'security', // selinux_register_security: Registering secondary module
    E101: 'authentication', // session closed for user
    E102: 'authentication', // session opened for user by (uid)
    E103: 'authentication', // session opened for user by LOGIN(uid)
    E107: 'security', // already a security framework initialized, register_security failed
    E112: 'authentication', // User unknown timed out
    E115: 'storage', // VFS: Disk quotas dquot
    E116: 'network', // can't get client address: Connection reset by peer
    E117: 'configuration', // You can enable it with acpi=force
  },
};
