use super::*;
use crate::services::ec2::model::test_instance;

fn machine() -> Machine {
    Machine {
        region: "us-east-1".into(),
        os: OsFamily::AmazonLinux2,
        vcpus: 1,
        memory_mib: 1024,
        disk_bytes: 8 * 1024 * 1024 * 1024,
        nitro: false,
        host_name: "ip-172-31-37-173".into(),
        architecture: "x86_64".into(),
    }
}

fn instance() -> Instance {
    test_instance(0)
}

/// 2023-09-08 07:09:21 UTC, the handout's download.
const HANDOUT: Millis = 1_694_156_961_000;

const ANACONDA: &str = "https://repo.anaconda.com/archive/Anaconda3-2023.07-2-Windows-x86_64.exe";
const RATINGS: &str = "https://raw.githubusercontent.com/e9t/nsmc/master/ratings_train.txt";

#[test]
fn the_handouts_typo_fails_to_resolve_then_downloads_the_installer() {
    let mut instance = instance();
    let out = run(&mut instance, &machine(), &format!("wget wget {ANACONDA}"), HANDOUT);
    let expected_start = "--2023-09-08 07:09:21--  http://wget/\n\
        Resolving wget (wget)... failed: Name or service not known.\n\
        wget: unable to resolve host address ‘wget’\n\
        --2023-09-08 07:09:21--  https://repo.anaconda.com/archive/Anaconda3-2023.07-2-Windows-x86_64.exe\n\
        Resolving repo.anaconda.com (repo.anaconda.com)... 104.16.131.3, 104.16.130.3, 2606:4700::6810:8203, ...\n\
        Connecting to repo.anaconda.com (repo.anaconda.com)|104.16.131.3|:443... connected.\n\
        HTTP request sent, awaiting response... 200 OK\n\
        Length: 942216640 (899M) [application/octet-stream]\n\
        Saving to: ‘Anaconda3-2023.07-2-Windows-x86_64.exe’\n\n";
    assert!(out.output.starts_with(expected_start), "{}", out.output);
    assert!(
        out.output.contains(
            "2023-09-08 07:09:33 (74.3 MB/s) - ‘Anaconda3-2023.07-2-Windows-x86_64.exe’ saved [942216640/942216640]\n"
        ),
        "{}",
        out.output
    );
    assert!(
        out.output.contains(
            "Anaconda3-2023.07-2 100%[===================>] 898.57M  74.3MB/s    in 12s\n"
        ),
        "{}",
        out.output
    );
    assert!(out.output.ends_with(
        "FINISHED --2023-09-08 07:09:33--\nTotal wall clock time: 12s\nDownloaded: 1 files, 899M in 12s (74.3 MB/s)\n"
    ), "{}", out.output);
    assert_eq!(out.exit_code, 4);
    // The shell stays busy for the download: the next command starts 12 seconds later.
    assert_eq!((instance.shell.busy_until - HANDOUT) / 1000, 12);
}

#[test]
fn downloads_fill_the_folder_and_the_disk() {
    let mut instance = instance();
    let m = machine();
    let first = run(&mut instance, &m, &format!("wget {RATINGS}"), HANDOUT);
    assert_eq!(first.exit_code, 0);
    assert!(first.output.contains("Length: 14628807 (14M) [text/plain]"), "{}", first.output);
    let again = run(&mut instance, &m, &format!("wget {RATINGS}"), HANDOUT);
    assert!(again.output.contains("Saving to: ‘ratings_train.txt.1’"), "{}", again.output);
    assert_eq!(
        run(&mut instance, &m, "ls", HANDOUT).output,
        "ratings_train.txt  ratings_train.txt.1\n"
    );
    let df = run(&mut instance, &m, "df -h", HANDOUT).output;
    assert!(df.contains("/dev/xvda1      8.0G  1.6G  6.4G  20% /\n"), "{df}");
    run(&mut instance, &m, &format!("wget {ANACONDA}"), HANDOUT);
    let df = run(&mut instance, &m, "df -h", HANDOUT).output;
    assert!(df.contains("/dev/xvda1      8.0G  2.5G  5.6G  31% /\n"), "{df}");
    // Filling the rest: dd stops at the end of the disk, like wget after it.
    let dd = run(&mut instance, &m, "dd if=/dev/zero of=fill bs=1M", HANDOUT);
    assert_eq!(dd.exit_code, 1);
    assert!(
        dd.output.starts_with("dd: error writing ‘fill’: No space left on device\n"),
        "{}",
        dd.output
    );
    let full = run(&mut instance, &m, &format!("wget {ANACONDA}"), HANDOUT);
    assert_eq!(full.exit_code, 3);
    assert!(full.output.contains("Cannot write to ‘Anaconda3-2023.07-2-Windows-x86_64.exe.1’ (No space left on device).\n"), "{}", full.output);
    assert!(run(&mut instance, &m, "rm fill", HANDOUT).output.is_empty());
    let df = run(&mut instance, &m, "df -h", HANDOUT).output;
    assert!(df.contains("/dev/xvda1      8.0G  2.5G  5.6G  31% /\n"), "{df}");
}

#[test]
fn errors_read_like_bash_and_wget() {
    let mut instance = instance();
    let m = machine();
    let missing = run(
        &mut instance,
        &m,
        "https://raw.githubusercontent.com/e9t/nsmc/master/nope.txt",
        HANDOUT,
    );
    assert_eq!(missing.exit_code, 127);
    let not_found = run(
        &mut instance,
        &m,
        "wget https://raw.githubusercontent.com/e9t/nsmc/master/nope.txt",
        HANDOUT,
    );
    assert_eq!(not_found.exit_code, 8);
    assert!(not_found.output.contains("HTTP request sent, awaiting response... 404 Not Found\n2023-09-08 07:09:21 ERROR 404: Not Found.\n"), "{}", not_found.output);
    assert_eq!(run(&mut instance, &m, "wget", HANDOUT).exit_code, 1);
    let unknown = run(&mut instance, &m, "htop", HANDOUT);
    assert_eq!(
        (unknown.output.as_str(), unknown.exit_code),
        ("-bash: htop: command not found\n", 127)
    );
    assert_eq!(
        run(&mut instance, &m, "rm nothing", HANDOUT).output,
        "rm: cannot remove 'nothing': No such file or directory\n"
    );
    assert_eq!(run(&mut instance, &m, "echo 'a  b' \"c\"", HANDOUT).output, "a  b c\n");
    assert_eq!(run(&mut instance, &m, "echo 'open", HANDOUT).exit_code, 2);
    assert_eq!(run(&mut instance, &m, "sudo whoami", HANDOUT).output, "root\n");
    assert_eq!(run(&mut instance, &m, "whoami", HANDOUT).output, "ec2-user\n");
}

#[test]
fn the_handouts_escaped_underscore_is_the_same_url() {
    let mut instance = instance();
    let out = run(
        &mut instance,
        &machine(),
        "wget https://repo.anaconda.com/archive/Anaconda3-2023.07-2-Windows-x86\\_64.exe",
        HANDOUT,
    );
    assert_eq!(out.exit_code, 0, "{}", out.output);
}

#[test]
fn system_commands() {
    let mut instance = instance();
    let m = machine();
    let uname = run(&mut instance, &m, "uname -a", HANDOUT).output;
    assert!(uname.starts_with("Linux ip-172-31-37-173.ec2.internal 5.10."), "{uname}");
    let free = run(&mut instance, &m, "free -m", HANDOUT).output;
    assert!(free.starts_with("              total        used        free      shared  buff/cache   available\nMem:            965 "), "{free}");
    let stress = run(&mut instance, &m, "stress --cpu 1 --timeout 60s", HANDOUT);
    assert!(stress.output.ends_with("successful run completed in 60s\n"), "{}", stress.output);
    assert_eq!(instance.shell.busy_until, HANDOUT + 60_000);
    assert_eq!(run(&mut instance, &m, "pwd", HANDOUT).output, "/home/ec2-user\n");
    let endless = run(&mut instance, &m, "dd if=/dev/zero of=/dev/null", HANDOUT);
    assert_eq!(endless.exit_code, 1);
    assert_eq!(instance.shell.busy_until, HANDOUT + 60_000, "the shell is not kept busy");
    let endless = run(&mut instance, &m, "stress --cpu 1", HANDOUT);
    assert_eq!(endless.exit_code, 1);
}

#[test]
fn long_listings_align_and_show_the_dot_files_with_a() {
    let mut instance = instance();
    let m = machine();
    run(&mut instance, &m, &format!("wget -q {RATINGS}"), HANDOUT);
    let long = run(&mut instance, &m, "ls -l", HANDOUT).output;
    assert_eq!(
        long,
        "total 14288\n-rw-rw-r-- 1 ec2-user ec2-user 14628807 Sep  8 07:09 ratings_train.txt\n"
    );
    let all = run(&mut instance, &m, "ls -la", HANDOUT).output;
    let lines: Vec<&str> = all.lines().collect();
    assert_eq!(lines.len(), 8, "{all}");
    assert_eq!(lines[0], "total 14300");
    assert!(
        lines[1].starts_with("drwx------ 3 ec2-user ec2-user       95 Sep  8 07:09 ."),
        "{all}"
    );
    assert!(lines[3].ends_with(" .bash_logout"), "{all}");
    assert!(lines[7].ends_with(" 14628807 Sep  8 07:09 ratings_train.txt"), "{all}");
    assert_eq!(run(&mut instance, &m, "ls -1a", HANDOUT).output.lines().count(), 7);
    let missing = run(&mut instance, &m, "ls nothing", HANDOUT);
    assert_eq!(
        (missing.output.as_str(), missing.exit_code),
        ("ls: cannot access 'nothing': No such file or directory\n", 2)
    );
}

proptest::proptest! {
    /// Any command line gets an answer: no panic, and never a shell busy for more than a day.
    #[test]
    fn any_command_line_is_answered(
        line in "(wget|ls|rm|dd|df|free|stress|sleep|sudo|echo|uname|touch|x)( [-a-zA-Z0-9=/.:'\"\\\\_]{0,30}){0,4}"
    ) {
        let mut instance = instance();
        let output = run(&mut instance, &machine(), &line, HANDOUT);
        proptest::prop_assert!(output.exit_code >= 0);
        proptest::prop_assert!(instance.shell.busy_until <= HANDOUT + 86_400_000 + 1_000);
    }
}
