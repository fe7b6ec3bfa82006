
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'clerk' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'clerk'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'clerk' {
            [CompletionResult]::new('--root', '--root', [CompletionResultType]::ParameterName, 'The project folder (holding dossiers/ and sources/)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'How to print diagnostics: `human` (rustc-style) or `json` (one object per line, for CI)')
            [CompletionResult]::new('-j', '-j', [CompletionResultType]::ParameterName, 'Parallel jobs: threads for hashing and checking, worker processes for typesetting (default: the available cores)')
            [CompletionResult]::new('--jobs', '--jobs', [CompletionResultType]::ParameterName, 'Parallel jobs: threads for hashing and checking, worker processes for typesetting (default: the available cores)')
            [CompletionResult]::new('--max-source-size', '--max-source-size', [CompletionResultType]::ParameterName, 'Largest source file clerk reads (e.g. `512MiB`, `2GiB`); larger files are an error')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour human output')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('init', 'init', [CompletionResultType]::ParameterValue, 'Create a project, with a worked example that builds')
            [CompletionResult]::new('new', 'new', [CompletionResultType]::ParameterValue, 'Start a dossier: write dossiers/<id>.toml to fill in')
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Check dossiers against their sources: hashes, quotes, ids, links, balance')
            [CompletionResult]::new('build', 'build', [CompletionResultType]::ParameterValue, 'Check, then typeset a PDF brief for every dossier without errors')
            [CompletionResult]::new('watch', 'watch', [CompletionResultType]::ParameterValue, 'Build, then rebuild whenever a dossier, source, record or template changes')
            [CompletionResult]::new('pin', 'pin', [CompletionResultType]::ParameterValue, 'Write the current SHA-256 of sources into a dossier''s [sources]')
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Add documents to sources/, each with a record read from the document for review')
            [CompletionResult]::new('verify', 'verify', [CompletionResultType]::ParameterValue, 'Verify built briefs against the project: inputs, quotes and bytes')
            [CompletionResult]::new('sign', 'sign', [CompletionResultType]::ParameterValue, 'Sign built briefs with an OpenSSH key, beside each file')
            [CompletionResult]::new('diff', 'diff', [CompletionResultType]::ParameterValue, 'Compare two versions of a brief, claim by claim, with the sources under it')
            [CompletionResult]::new('text', 'text', [CompletionResultType]::ParameterValue, 'Print the text a source''s quotes are held to, with line, paragraph and page numbers')
            [CompletionResult]::new('find', 'find', [CompletionResultType]::ParameterValue, 'Find the passages of a source that best match some words, as evidence to paste')
            [CompletionResult]::new('template', 'template', [CompletionResultType]::ParameterValue, 'Print a built-in template or locale, to start a project''s own')
            [CompletionResult]::new('typeset-worker', 'typeset-worker', [CompletionResultType]::ParameterValue, 'Typeset briefs sent on standard input (started by `build --jobs N`)')
            [CompletionResult]::new('schema', 'schema', [CompletionResultType]::ParameterValue, 'Print the JSON Schema of a dossier, a source record or the brief as data')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'clerk;init' {
            [CompletionResult]::new('--root', '--root', [CompletionResultType]::ParameterName, 'The project folder (holding dossiers/ and sources/)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'How to print diagnostics: `human` (rustc-style) or `json` (one object per line, for CI)')
            [CompletionResult]::new('-j', '-j', [CompletionResultType]::ParameterName, 'Parallel jobs: threads for hashing and checking, worker processes for typesetting (default: the available cores)')
            [CompletionResult]::new('--jobs', '--jobs', [CompletionResultType]::ParameterName, 'Parallel jobs: threads for hashing and checking, worker processes for typesetting (default: the available cores)')
            [CompletionResult]::new('--max-source-size', '--max-source-size', [CompletionResultType]::ParameterName, 'Largest source file clerk reads (e.g. `512MiB`, `2GiB`); larger files are an error')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour human output')
            [CompletionResult]::new('--bare', '--bare', [CompletionResultType]::ParameterName, 'Start empty: the folders, schemas and .gitignore, without the example')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'clerk;new' {
            [CompletionResult]::new('--title', '--title', [CompletionResultType]::ParameterName, 'The brief''s title (default: made from the id)')
            [CompletionResult]::new('--root', '--root', [CompletionResultType]::ParameterName, 'The project folder (holding dossiers/ and sources/)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'How to print diagnostics: `human` (rustc-style) or `json` (one object per line, for CI)')
            [CompletionResult]::new('-j', '-j', [CompletionResultType]::ParameterName, 'Parallel jobs: threads for hashing and checking, worker processes for typesetting (default: the available cores)')
            [CompletionResult]::new('--jobs', '--jobs', [CompletionResultType]::ParameterName, 'Parallel jobs: threads for hashing and checking, worker processes for typesetting (default: the available cores)')
            [CompletionResult]::new('--max-source-size', '--max-source-size', [CompletionResultType]::ParameterName, 'Largest source file clerk reads (e.g. `512MiB`, `2GiB`); larger files are an error')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour human output')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'clerk;check' {
            [CompletionResult]::new('--root', '--root', [CompletionResultType]::ParameterName, 'The project folder (holding dossiers/ and sources/)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'How to print diagnostics: `human` (rustc-style) or `json` (one object per line, for CI)')
            [CompletionResult]::new('-j', '-j', [CompletionResultType]::ParameterName, 'Parallel jobs: threads for hashing and checking, worker processes for typesetting (default: the available cores)')
            [CompletionResult]::new('--jobs', '--jobs', [CompletionResultType]::ParameterName, 'Parallel jobs: threads for hashing and checking, worker processes for typesetting (default: the available cores)')
            [CompletionResult]::new('--max-source-size', '--max-source-size', [CompletionResultType]::ParameterName, 'Largest source file clerk reads (e.g. `512MiB`, `2GiB`); larger files are an error')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour human output')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'clerk;build' {
            [CompletionResult]::new('--out', '--out', [CompletionResultType]::ParameterName, 'Folder to write PDFs to (default: <root>/output)')
            [CompletionResult]::new('--emit', '--emit', [CompletionResultType]::ParameterName, 'Also write these files beside each PDF (comma-separated, repeatable; see docs/exports.md)')
            [CompletionResult]::new('--typeset-timeout', '--typeset-timeout', [CompletionResultType]::ParameterName, 'Give up on a brief whose typesetting takes longer than this many seconds')
            [CompletionResult]::new('--shard', '--shard', [CompletionResultType]::ParameterName, 'Build only part K of N of the dossiers (e.g. `2/8`), to spread a batch over CI machines')
            [CompletionResult]::new('--sign', '--sign', [CompletionResultType]::ParameterName, 'Sign each brief with this OpenSSH private key: an SSH signature beside each file (`<file>.sig`) and the provenance signed as `<id>.intoto.jsonl` (default: the key in CLERK_SIGNING_KEY, a path or the key itself; see docs/audit.md)')
            [CompletionResult]::new('--sign-passphrase-file', '--sign-passphrase-file', [CompletionResultType]::ParameterName, 'The file holding the passphrase of a signing key that has one (its first line)')
            [CompletionResult]::new('--root', '--root', [CompletionResultType]::ParameterName, 'The project folder (holding dossiers/ and sources/)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'How to print diagnostics: `human` (rustc-style) or `json` (one object per line, for CI)')
            [CompletionResult]::new('-j', '-j', [CompletionResultType]::ParameterName, 'Parallel jobs: threads for hashing and checking, worker processes for typesetting (default: the available cores)')
            [CompletionResult]::new('--jobs', '--jobs', [CompletionResultType]::ParameterName, 'Parallel jobs: threads for hashing and checking, worker processes for typesetting (default: the available cores)')
            [CompletionResult]::new('--max-source-size', '--max-source-size', [CompletionResultType]::ParameterName, 'Largest source file clerk reads (e.g. `512MiB`, `2GiB`); larger files are an error')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour human output')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Rebuild every brief, even those whose inputs have not changed')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'clerk;watch' {
            [CompletionResult]::new('--out', '--out', [CompletionResultType]::ParameterName, 'Folder to write PDFs to (default: <root>/output)')
            [CompletionResult]::new('--emit', '--emit', [CompletionResultType]::ParameterName, 'Also write these files beside each PDF (comma-separated, repeatable; see docs/exports.md)')
            [CompletionResult]::new('--typeset-timeout', '--typeset-timeout', [CompletionResultType]::ParameterName, 'Give up on a brief whose typesetting takes longer than this many seconds')
            [CompletionResult]::new('--root', '--root', [CompletionResultType]::ParameterName, 'The project folder (holding dossiers/ and sources/)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'How to print diagnostics: `human` (rustc-style) or `json` (one object per line, for CI)')
            [CompletionResult]::new('-j', '-j', [CompletionResultType]::ParameterName, 'Parallel jobs: threads for hashing and checking, worker processes for typesetting (default: the available cores)')
            [CompletionResult]::new('--jobs', '--jobs', [CompletionResultType]::ParameterName, 'Parallel jobs: threads for hashing and checking, worker processes for typesetting (default: the available cores)')
            [CompletionResult]::new('--max-source-size', '--max-source-size', [CompletionResultType]::ParameterName, 'Largest source file clerk reads (e.g. `512MiB`, `2GiB`); larger files are an error')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour human output')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'clerk;pin' {
            [CompletionResult]::new('--source', '--source', [CompletionResultType]::ParameterName, 'Re-pin only this source (repeatable); default: every source the dossier pins or cites')
            [CompletionResult]::new('--root', '--root', [CompletionResultType]::ParameterName, 'The project folder (holding dossiers/ and sources/)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'How to print diagnostics: `human` (rustc-style) or `json` (one object per line, for CI)')
            [CompletionResult]::new('-j', '-j', [CompletionResultType]::ParameterName, 'Parallel jobs: threads for hashing and checking, worker processes for typesetting (default: the available cores)')
            [CompletionResult]::new('--jobs', '--jobs', [CompletionResultType]::ParameterName, 'Parallel jobs: threads for hashing and checking, worker processes for typesetting (default: the available cores)')
            [CompletionResult]::new('--max-source-size', '--max-source-size', [CompletionResultType]::ParameterName, 'Largest source file clerk reads (e.g. `512MiB`, `2GiB`); larger files are an error')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour human output')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'clerk;add' {
            [CompletionResult]::new('--update', '--update', [CompletionResultType]::ParameterName, 'Correct the record of this source instead: set the keys the flags give')
            [CompletionResult]::new('--id', '--id', [CompletionResultType]::ParameterName, 'The source id (default: from the file name: lower case, hyphens)')
            [CompletionResult]::new('--title', '--title', [CompletionResultType]::ParameterName, 'The document''s title')
            [CompletionResult]::new('--publisher', '--publisher', [CompletionResultType]::ParameterName, 'Who published it: a newspaper, a parliament, a ministry, a website')
            [CompletionResult]::new('--kind', '--kind', [CompletionResultType]::ParameterName, 'What kind of document it is')
            [CompletionResult]::new('--author', '--author', [CompletionResultType]::ParameterName, 'Its author')
            [CompletionResult]::new('--published', '--published', [CompletionResultType]::ParameterName, 'When it was published (YYYY-MM-DD)')
            [CompletionResult]::new('--language', '--language', [CompletionResultType]::ParameterName, 'Its language, as a BCP 47 tag (`en`, `fr`, `fr-CA`)')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Where it can be found; for a capture, the address of the page to take from it')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'The longest fetching an address may take, in seconds')
            [CompletionResult]::new('--to', '--to', [CompletionResultType]::ParameterName, 'Also pin the new sources in this dossier (an id or a path), as `clerk pin` does')
            [CompletionResult]::new('--root', '--root', [CompletionResultType]::ParameterName, 'The project folder (holding dossiers/ and sources/)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'How to print diagnostics: `human` (rustc-style) or `json` (one object per line, for CI)')
            [CompletionResult]::new('-j', '-j', [CompletionResultType]::ParameterName, 'Parallel jobs: threads for hashing and checking, worker processes for typesetting (default: the available cores)')
            [CompletionResult]::new('--jobs', '--jobs', [CompletionResultType]::ParameterName, 'Parallel jobs: threads for hashing and checking, worker processes for typesetting (default: the available cores)')
            [CompletionResult]::new('--max-source-size', '--max-source-size', [CompletionResultType]::ParameterName, 'Largest source file clerk reads (e.g. `512MiB`, `2GiB`); larger files are an error')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour human output')
            [CompletionResult]::new('--fill', '--fill', [CompletionResultType]::ParameterName, 'With --update, also write the keys the document gives and the record lacks')
            [CompletionResult]::new('--attachments', '--attachments', [CompletionResultType]::ParameterName, 'For an e-mail, also add each attachment clerk can read as a source of its own (`part-of` the message)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'clerk;verify' {
            [CompletionResult]::new('--allowed-signers', '--allowed-signers', [CompletionResultType]::ParameterName, 'The OpenSSH allowed_signers file naming whose keys may sign briefs (default: <root>/.clerk/allowed_signers when it exists)')
            [CompletionResult]::new('--signed-by', '--signed-by', [CompletionResultType]::ParameterName, 'Count only signatures by this principal of the allowed signers (as `ssh-keygen -Y verify -I`)')
            [CompletionResult]::new('--root', '--root', [CompletionResultType]::ParameterName, 'The project folder (holding dossiers/ and sources/)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'How to print diagnostics: `human` (rustc-style) or `json` (one object per line, for CI)')
            [CompletionResult]::new('-j', '-j', [CompletionResultType]::ParameterName, 'Parallel jobs: threads for hashing and checking, worker processes for typesetting (default: the available cores)')
            [CompletionResult]::new('--jobs', '--jobs', [CompletionResultType]::ParameterName, 'Parallel jobs: threads for hashing and checking, worker processes for typesetting (default: the available cores)')
            [CompletionResult]::new('--max-source-size', '--max-source-size', [CompletionResultType]::ParameterName, 'Largest source file clerk reads (e.g. `512MiB`, `2GiB`); larger files are an error')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour human output')
            [CompletionResult]::new('--require-signature', '--require-signature', [CompletionResultType]::ParameterName, 'Fail (exit 1) unless the PDF and every file verified with it carry a good signature by an allowed signer and no bad one')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'clerk;sign' {
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'The OpenSSH private key to sign with (default: the key in CLERK_SIGNING_KEY, a path or the key itself)')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'The file holding the passphrase of a key that has one (its first line)')
            [CompletionResult]::new('--root', '--root', [CompletionResultType]::ParameterName, 'The project folder (holding dossiers/ and sources/)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'How to print diagnostics: `human` (rustc-style) or `json` (one object per line, for CI)')
            [CompletionResult]::new('-j', '-j', [CompletionResultType]::ParameterName, 'Parallel jobs: threads for hashing and checking, worker processes for typesetting (default: the available cores)')
            [CompletionResult]::new('--jobs', '--jobs', [CompletionResultType]::ParameterName, 'Parallel jobs: threads for hashing and checking, worker processes for typesetting (default: the available cores)')
            [CompletionResult]::new('--max-source-size', '--max-source-size', [CompletionResultType]::ParameterName, 'Largest source file clerk reads (e.g. `512MiB`, `2GiB`); larger files are an error')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour human output')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'clerk;diff' {
            [CompletionResult]::new('--emit', '--emit', [CompletionResultType]::ParameterName, 'Write a redline page instead of the report: `html` (to --out, or standard output)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'With --emit html: the file to write the page to')
            [CompletionResult]::new('--out', '--out', [CompletionResultType]::ParameterName, 'With --emit html: the file to write the page to')
            [CompletionResult]::new('--root', '--root', [CompletionResultType]::ParameterName, 'The project folder (holding dossiers/ and sources/)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'How to print diagnostics: `human` (rustc-style) or `json` (one object per line, for CI)')
            [CompletionResult]::new('-j', '-j', [CompletionResultType]::ParameterName, 'Parallel jobs: threads for hashing and checking, worker processes for typesetting (default: the available cores)')
            [CompletionResult]::new('--jobs', '--jobs', [CompletionResultType]::ParameterName, 'Parallel jobs: threads for hashing and checking, worker processes for typesetting (default: the available cores)')
            [CompletionResult]::new('--max-source-size', '--max-source-size', [CompletionResultType]::ParameterName, 'Largest source file clerk reads (e.g. `512MiB`, `2GiB`); larger files are an error')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour human output')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'clerk;text' {
            [CompletionResult]::new('--root', '--root', [CompletionResultType]::ParameterName, 'The project folder (holding dossiers/ and sources/)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'How to print diagnostics: `human` (rustc-style) or `json` (one object per line, for CI)')
            [CompletionResult]::new('-j', '-j', [CompletionResultType]::ParameterName, 'Parallel jobs: threads for hashing and checking, worker processes for typesetting (default: the available cores)')
            [CompletionResult]::new('--jobs', '--jobs', [CompletionResultType]::ParameterName, 'Parallel jobs: threads for hashing and checking, worker processes for typesetting (default: the available cores)')
            [CompletionResult]::new('--max-source-size', '--max-source-size', [CompletionResultType]::ParameterName, 'Largest source file clerk reads (e.g. `512MiB`, `2GiB`); larger files are an error')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour human output')
            [CompletionResult]::new('--normalised', '--normalised', [CompletionResultType]::ParameterName, 'Print the normalised text instead of the text as read')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'clerk;find' {
            [CompletionResult]::new('--limit', '--limit', [CompletionResultType]::ParameterName, 'Most passages to print (1 or more)')
            [CompletionResult]::new('--root', '--root', [CompletionResultType]::ParameterName, 'The project folder (holding dossiers/ and sources/)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'How to print diagnostics: `human` (rustc-style) or `json` (one object per line, for CI)')
            [CompletionResult]::new('-j', '-j', [CompletionResultType]::ParameterName, 'Parallel jobs: threads for hashing and checking, worker processes for typesetting (default: the available cores)')
            [CompletionResult]::new('--jobs', '--jobs', [CompletionResultType]::ParameterName, 'Parallel jobs: threads for hashing and checking, worker processes for typesetting (default: the available cores)')
            [CompletionResult]::new('--max-source-size', '--max-source-size', [CompletionResultType]::ParameterName, 'Largest source file clerk reads (e.g. `512MiB`, `2GiB`); larger files are an error')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour human output')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'clerk;template' {
            [CompletionResult]::new('--root', '--root', [CompletionResultType]::ParameterName, 'The project folder (holding dossiers/ and sources/)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'How to print diagnostics: `human` (rustc-style) or `json` (one object per line, for CI)')
            [CompletionResult]::new('-j', '-j', [CompletionResultType]::ParameterName, 'Parallel jobs: threads for hashing and checking, worker processes for typesetting (default: the available cores)')
            [CompletionResult]::new('--jobs', '--jobs', [CompletionResultType]::ParameterName, 'Parallel jobs: threads for hashing and checking, worker processes for typesetting (default: the available cores)')
            [CompletionResult]::new('--max-source-size', '--max-source-size', [CompletionResultType]::ParameterName, 'Largest source file clerk reads (e.g. `512MiB`, `2GiB`); larger files are an error')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour human output')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'clerk;typeset-worker' {
            [CompletionResult]::new('--templates', '--templates', [CompletionResultType]::ParameterName, 'The project''s templates folder')
            [CompletionResult]::new('--typeset-timeout', '--typeset-timeout', [CompletionResultType]::ParameterName, 'Longest a brief may take, in seconds')
            [CompletionResult]::new('--root', '--root', [CompletionResultType]::ParameterName, 'The project folder (holding dossiers/ and sources/)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'How to print diagnostics: `human` (rustc-style) or `json` (one object per line, for CI)')
            [CompletionResult]::new('-j', '-j', [CompletionResultType]::ParameterName, 'Parallel jobs: threads for hashing and checking, worker processes for typesetting (default: the available cores)')
            [CompletionResult]::new('--jobs', '--jobs', [CompletionResultType]::ParameterName, 'Parallel jobs: threads for hashing and checking, worker processes for typesetting (default: the available cores)')
            [CompletionResult]::new('--max-source-size', '--max-source-size', [CompletionResultType]::ParameterName, 'Largest source file clerk reads (e.g. `512MiB`, `2GiB`); larger files are an error')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour human output')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'clerk;schema' {
            [CompletionResult]::new('--root', '--root', [CompletionResultType]::ParameterName, 'The project folder (holding dossiers/ and sources/)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'How to print diagnostics: `human` (rustc-style) or `json` (one object per line, for CI)')
            [CompletionResult]::new('-j', '-j', [CompletionResultType]::ParameterName, 'Parallel jobs: threads for hashing and checking, worker processes for typesetting (default: the available cores)')
            [CompletionResult]::new('--jobs', '--jobs', [CompletionResultType]::ParameterName, 'Parallel jobs: threads for hashing and checking, worker processes for typesetting (default: the available cores)')
            [CompletionResult]::new('--max-source-size', '--max-source-size', [CompletionResultType]::ParameterName, 'Largest source file clerk reads (e.g. `512MiB`, `2GiB`); larger files are an error')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour human output')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'clerk;completions' {
            [CompletionResult]::new('--root', '--root', [CompletionResultType]::ParameterName, 'The project folder (holding dossiers/ and sources/)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'How to print diagnostics: `human` (rustc-style) or `json` (one object per line, for CI)')
            [CompletionResult]::new('-j', '-j', [CompletionResultType]::ParameterName, 'Parallel jobs: threads for hashing and checking, worker processes for typesetting (default: the available cores)')
            [CompletionResult]::new('--jobs', '--jobs', [CompletionResultType]::ParameterName, 'Parallel jobs: threads for hashing and checking, worker processes for typesetting (default: the available cores)')
            [CompletionResult]::new('--max-source-size', '--max-source-size', [CompletionResultType]::ParameterName, 'Largest source file clerk reads (e.g. `512MiB`, `2GiB`); larger files are an error')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour human output')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'clerk;help' {
            [CompletionResult]::new('init', 'init', [CompletionResultType]::ParameterValue, 'Create a project, with a worked example that builds')
            [CompletionResult]::new('new', 'new', [CompletionResultType]::ParameterValue, 'Start a dossier: write dossiers/<id>.toml to fill in')
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Check dossiers against their sources: hashes, quotes, ids, links, balance')
            [CompletionResult]::new('build', 'build', [CompletionResultType]::ParameterValue, 'Check, then typeset a PDF brief for every dossier without errors')
            [CompletionResult]::new('watch', 'watch', [CompletionResultType]::ParameterValue, 'Build, then rebuild whenever a dossier, source, record or template changes')
            [CompletionResult]::new('pin', 'pin', [CompletionResultType]::ParameterValue, 'Write the current SHA-256 of sources into a dossier''s [sources]')
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Add documents to sources/, each with a record read from the document for review')
            [CompletionResult]::new('verify', 'verify', [CompletionResultType]::ParameterValue, 'Verify built briefs against the project: inputs, quotes and bytes')
            [CompletionResult]::new('sign', 'sign', [CompletionResultType]::ParameterValue, 'Sign built briefs with an OpenSSH key, beside each file')
            [CompletionResult]::new('diff', 'diff', [CompletionResultType]::ParameterValue, 'Compare two versions of a brief, claim by claim, with the sources under it')
            [CompletionResult]::new('text', 'text', [CompletionResultType]::ParameterValue, 'Print the text a source''s quotes are held to, with line, paragraph and page numbers')
            [CompletionResult]::new('find', 'find', [CompletionResultType]::ParameterValue, 'Find the passages of a source that best match some words, as evidence to paste')
            [CompletionResult]::new('template', 'template', [CompletionResultType]::ParameterValue, 'Print a built-in template or locale, to start a project''s own')
            [CompletionResult]::new('typeset-worker', 'typeset-worker', [CompletionResultType]::ParameterValue, 'Typeset briefs sent on standard input (started by `build --jobs N`)')
            [CompletionResult]::new('schema', 'schema', [CompletionResultType]::ParameterValue, 'Print the JSON Schema of a dossier, a source record or the brief as data')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'clerk;help;init' {
            break
        }
        'clerk;help;new' {
            break
        }
        'clerk;help;check' {
            break
        }
        'clerk;help;build' {
            break
        }
        'clerk;help;watch' {
            break
        }
        'clerk;help;pin' {
            break
        }
        'clerk;help;add' {
            break
        }
        'clerk;help;verify' {
            break
        }
        'clerk;help;sign' {
            break
        }
        'clerk;help;diff' {
            break
        }
        'clerk;help;text' {
            break
        }
        'clerk;help;find' {
            break
        }
        'clerk;help;template' {
            break
        }
        'clerk;help;typeset-worker' {
            break
        }
        'clerk;help;schema' {
            break
        }
        'clerk;help;completions' {
            break
        }
        'clerk;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
