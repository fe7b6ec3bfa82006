# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_clerk_global_optspecs
    string join \n root= format= j/jobs= max-source-size= color= h/help V/version
end

function __fish_clerk_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_clerk_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_clerk_using_subcommand
    set -l cmd (__fish_clerk_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c clerk -n "__fish_clerk_needs_command" -l root -d 'The project folder (holding dossiers/ and sources/)' -r -F
complete -c clerk -n "__fish_clerk_needs_command" -l format -d 'How to print diagnostics: `human` (rustc-style) or `json` (one object per line, for CI)' -r -f -a "human\t''
json\t''"
complete -c clerk -n "__fish_clerk_needs_command" -s j -l jobs -d 'Parallel jobs: threads for hashing and checking, worker processes for typesetting (default: the available cores)' -r
complete -c clerk -n "__fish_clerk_needs_command" -l max-source-size -d 'Largest source file clerk reads (e.g. `512MiB`, `2GiB`); larger files are an error' -r
complete -c clerk -n "__fish_clerk_needs_command" -l color -d 'When to colour human output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c clerk -n "__fish_clerk_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c clerk -n "__fish_clerk_needs_command" -s V -l version -d 'Print version'
complete -c clerk -n "__fish_clerk_needs_command" -f -a "init" -d 'Create a project, with a worked example that builds'
complete -c clerk -n "__fish_clerk_needs_command" -f -a "new" -d 'Start a dossier: write dossiers/<id>.toml to fill in'
complete -c clerk -n "__fish_clerk_needs_command" -f -a "check" -d 'Check dossiers against their sources: hashes, quotes, ids, links, balance'
complete -c clerk -n "__fish_clerk_needs_command" -f -a "build" -d 'Check, then typeset a PDF brief for every dossier without errors'
complete -c clerk -n "__fish_clerk_needs_command" -f -a "watch" -d 'Build, then rebuild whenever a dossier, source, record or template changes'
complete -c clerk -n "__fish_clerk_needs_command" -f -a "pin" -d 'Write the current SHA-256 of sources into a dossier\'s [sources]'
complete -c clerk -n "__fish_clerk_needs_command" -f -a "add" -d 'Add documents to sources/, each with a record read from the document for review'
complete -c clerk -n "__fish_clerk_needs_command" -f -a "verify" -d 'Verify built briefs against the project: inputs, quotes and bytes'
complete -c clerk -n "__fish_clerk_needs_command" -f -a "sign" -d 'Sign built briefs with an OpenSSH key, beside each file'
complete -c clerk -n "__fish_clerk_needs_command" -f -a "diff" -d 'Compare two versions of a brief, claim by claim, with the sources under it'
complete -c clerk -n "__fish_clerk_needs_command" -f -a "text" -d 'Print the text a source\'s quotes are held to, with line, paragraph and page numbers'
complete -c clerk -n "__fish_clerk_needs_command" -f -a "find" -d 'Find the passages of a source that best match some words, as evidence to paste'
complete -c clerk -n "__fish_clerk_needs_command" -f -a "template" -d 'Print a built-in template or locale, to start a project\'s own'
complete -c clerk -n "__fish_clerk_needs_command" -f -a "typeset-worker" -d 'Typeset briefs sent on standard input (started by `build --jobs N`)'
complete -c clerk -n "__fish_clerk_needs_command" -f -a "schema" -d 'Print the JSON Schema of a dossier, a source record or the brief as data'
complete -c clerk -n "__fish_clerk_needs_command" -f -a "completions" -d 'Print a shell completion script'
complete -c clerk -n "__fish_clerk_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c clerk -n "__fish_clerk_using_subcommand init" -l root -d 'The project folder (holding dossiers/ and sources/)' -r -F
complete -c clerk -n "__fish_clerk_using_subcommand init" -l format -d 'How to print diagnostics: `human` (rustc-style) or `json` (one object per line, for CI)' -r -f -a "human\t''
json\t''"
complete -c clerk -n "__fish_clerk_using_subcommand init" -s j -l jobs -d 'Parallel jobs: threads for hashing and checking, worker processes for typesetting (default: the available cores)' -r
complete -c clerk -n "__fish_clerk_using_subcommand init" -l max-source-size -d 'Largest source file clerk reads (e.g. `512MiB`, `2GiB`); larger files are an error' -r
complete -c clerk -n "__fish_clerk_using_subcommand init" -l color -d 'When to colour human output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c clerk -n "__fish_clerk_using_subcommand init" -l bare -d 'Start empty: the folders, schemas and .gitignore, without the example'
complete -c clerk -n "__fish_clerk_using_subcommand init" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c clerk -n "__fish_clerk_using_subcommand new" -l title -d 'The brief\'s title (default: made from the id)' -r
complete -c clerk -n "__fish_clerk_using_subcommand new" -l root -d 'The project folder (holding dossiers/ and sources/)' -r -F
complete -c clerk -n "__fish_clerk_using_subcommand new" -l format -d 'How to print diagnostics: `human` (rustc-style) or `json` (one object per line, for CI)' -r -f -a "human\t''
json\t''"
complete -c clerk -n "__fish_clerk_using_subcommand new" -s j -l jobs -d 'Parallel jobs: threads for hashing and checking, worker processes for typesetting (default: the available cores)' -r
complete -c clerk -n "__fish_clerk_using_subcommand new" -l max-source-size -d 'Largest source file clerk reads (e.g. `512MiB`, `2GiB`); larger files are an error' -r
complete -c clerk -n "__fish_clerk_using_subcommand new" -l color -d 'When to colour human output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c clerk -n "__fish_clerk_using_subcommand new" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c clerk -n "__fish_clerk_using_subcommand check" -l root -d 'The project folder (holding dossiers/ and sources/)' -r -F
complete -c clerk -n "__fish_clerk_using_subcommand check" -l format -d 'How to print diagnostics: `human` (rustc-style) or `json` (one object per line, for CI)' -r -f -a "human\t''
json\t''"
complete -c clerk -n "__fish_clerk_using_subcommand check" -s j -l jobs -d 'Parallel jobs: threads for hashing and checking, worker processes for typesetting (default: the available cores)' -r
complete -c clerk -n "__fish_clerk_using_subcommand check" -l max-source-size -d 'Largest source file clerk reads (e.g. `512MiB`, `2GiB`); larger files are an error' -r
complete -c clerk -n "__fish_clerk_using_subcommand check" -l color -d 'When to colour human output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c clerk -n "__fish_clerk_using_subcommand check" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c clerk -n "__fish_clerk_using_subcommand build" -l out -d 'Folder to write PDFs to (default: <root>/output)' -r -F
complete -c clerk -n "__fish_clerk_using_subcommand build" -l emit -d 'Also write these files beside each PDF (comma-separated, repeatable; see docs/exports.md)' -r -f -a "typ\t'The rendered Typst markup: `<id>.typ`'
json\t'The brief as data: `<id>.json`'
annotations\t'W3C Web Annotations of the quotes: `<id>.annotations.jsonld`'
csl\t'The references as CSL-JSON: `<id>.csl.json`'
html\t'The HTML edition, a self-contained web page: `<id>.html`'
docx\t'The Word edition, styled by templates/reference.docx: `<id>.docx`'"
complete -c clerk -n "__fish_clerk_using_subcommand build" -l typeset-timeout -d 'Give up on a brief whose typesetting takes longer than this many seconds' -r
complete -c clerk -n "__fish_clerk_using_subcommand build" -l shard -d 'Build only part K of N of the dossiers (e.g. `2/8`), to spread a batch over CI machines' -r
complete -c clerk -n "__fish_clerk_using_subcommand build" -l sign -d 'Sign each brief with this OpenSSH private key: an SSH signature beside each file (`<file>.sig`) and the provenance signed as `<id>.intoto.jsonl` (default: the key in CLERK_SIGNING_KEY, a path or the key itself; see docs/audit.md)' -r -F
complete -c clerk -n "__fish_clerk_using_subcommand build" -l sign-passphrase-file -d 'The file holding the passphrase of a signing key that has one (its first line)' -r -F
complete -c clerk -n "__fish_clerk_using_subcommand build" -l root -d 'The project folder (holding dossiers/ and sources/)' -r -F
complete -c clerk -n "__fish_clerk_using_subcommand build" -l format -d 'How to print diagnostics: `human` (rustc-style) or `json` (one object per line, for CI)' -r -f -a "human\t''
json\t''"
complete -c clerk -n "__fish_clerk_using_subcommand build" -s j -l jobs -d 'Parallel jobs: threads for hashing and checking, worker processes for typesetting (default: the available cores)' -r
complete -c clerk -n "__fish_clerk_using_subcommand build" -l max-source-size -d 'Largest source file clerk reads (e.g. `512MiB`, `2GiB`); larger files are an error' -r
complete -c clerk -n "__fish_clerk_using_subcommand build" -l color -d 'When to colour human output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c clerk -n "__fish_clerk_using_subcommand build" -l force -d 'Rebuild every brief, even those whose inputs have not changed'
complete -c clerk -n "__fish_clerk_using_subcommand build" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c clerk -n "__fish_clerk_using_subcommand watch" -l out -d 'Folder to write PDFs to (default: <root>/output)' -r -F
complete -c clerk -n "__fish_clerk_using_subcommand watch" -l emit -d 'Also write these files beside each PDF (comma-separated, repeatable; see docs/exports.md)' -r -f -a "typ\t'The rendered Typst markup: `<id>.typ`'
json\t'The brief as data: `<id>.json`'
annotations\t'W3C Web Annotations of the quotes: `<id>.annotations.jsonld`'
csl\t'The references as CSL-JSON: `<id>.csl.json`'
html\t'The HTML edition, a self-contained web page: `<id>.html`'
docx\t'The Word edition, styled by templates/reference.docx: `<id>.docx`'"
complete -c clerk -n "__fish_clerk_using_subcommand watch" -l typeset-timeout -d 'Give up on a brief whose typesetting takes longer than this many seconds' -r
complete -c clerk -n "__fish_clerk_using_subcommand watch" -l root -d 'The project folder (holding dossiers/ and sources/)' -r -F
complete -c clerk -n "__fish_clerk_using_subcommand watch" -l format -d 'How to print diagnostics: `human` (rustc-style) or `json` (one object per line, for CI)' -r -f -a "human\t''
json\t''"
complete -c clerk -n "__fish_clerk_using_subcommand watch" -s j -l jobs -d 'Parallel jobs: threads for hashing and checking, worker processes for typesetting (default: the available cores)' -r
complete -c clerk -n "__fish_clerk_using_subcommand watch" -l max-source-size -d 'Largest source file clerk reads (e.g. `512MiB`, `2GiB`); larger files are an error' -r
complete -c clerk -n "__fish_clerk_using_subcommand watch" -l color -d 'When to colour human output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c clerk -n "__fish_clerk_using_subcommand watch" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c clerk -n "__fish_clerk_using_subcommand pin" -l source -d 'Re-pin only this source (repeatable); default: every source the dossier pins or cites' -r
complete -c clerk -n "__fish_clerk_using_subcommand pin" -l root -d 'The project folder (holding dossiers/ and sources/)' -r -F
complete -c clerk -n "__fish_clerk_using_subcommand pin" -l format -d 'How to print diagnostics: `human` (rustc-style) or `json` (one object per line, for CI)' -r -f -a "human\t''
json\t''"
complete -c clerk -n "__fish_clerk_using_subcommand pin" -s j -l jobs -d 'Parallel jobs: threads for hashing and checking, worker processes for typesetting (default: the available cores)' -r
complete -c clerk -n "__fish_clerk_using_subcommand pin" -l max-source-size -d 'Largest source file clerk reads (e.g. `512MiB`, `2GiB`); larger files are an error' -r
complete -c clerk -n "__fish_clerk_using_subcommand pin" -l color -d 'When to colour human output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c clerk -n "__fish_clerk_using_subcommand pin" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c clerk -n "__fish_clerk_using_subcommand add" -l update -d 'Correct the record of this source instead: set the keys the flags give' -r
complete -c clerk -n "__fish_clerk_using_subcommand add" -l id -d 'The source id (default: from the file name: lower case, hyphens)' -r
complete -c clerk -n "__fish_clerk_using_subcommand add" -l title -d 'The document\'s title' -r
complete -c clerk -n "__fish_clerk_using_subcommand add" -l publisher -d 'Who published it: a newspaper, a parliament, a ministry, a website' -r
complete -c clerk -n "__fish_clerk_using_subcommand add" -l kind -d 'What kind of document it is' -r -f -a "parliamentary\t''
government\t''
press\t''
ngo\t''
social\t''
forum\t''
court\t''
academic\t''
other\t''"
complete -c clerk -n "__fish_clerk_using_subcommand add" -l author -d 'Its author' -r
complete -c clerk -n "__fish_clerk_using_subcommand add" -l published -d 'When it was published (YYYY-MM-DD)' -r
complete -c clerk -n "__fish_clerk_using_subcommand add" -l language -d 'Its language, as a BCP 47 tag (`en`, `fr`, `fr-CA`)' -r
complete -c clerk -n "__fish_clerk_using_subcommand add" -l url -d 'Where it can be found; for a capture, the address of the page to take from it' -r
complete -c clerk -n "__fish_clerk_using_subcommand add" -l timeout -d 'The longest fetching an address may take, in seconds' -r
complete -c clerk -n "__fish_clerk_using_subcommand add" -l to -d 'Also pin the new sources in this dossier (an id or a path), as `clerk pin` does' -r
complete -c clerk -n "__fish_clerk_using_subcommand add" -l root -d 'The project folder (holding dossiers/ and sources/)' -r -F
complete -c clerk -n "__fish_clerk_using_subcommand add" -l format -d 'How to print diagnostics: `human` (rustc-style) or `json` (one object per line, for CI)' -r -f -a "human\t''
json\t''"
complete -c clerk -n "__fish_clerk_using_subcommand add" -s j -l jobs -d 'Parallel jobs: threads for hashing and checking, worker processes for typesetting (default: the available cores)' -r
complete -c clerk -n "__fish_clerk_using_subcommand add" -l max-source-size -d 'Largest source file clerk reads (e.g. `512MiB`, `2GiB`); larger files are an error' -r
complete -c clerk -n "__fish_clerk_using_subcommand add" -l color -d 'When to colour human output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c clerk -n "__fish_clerk_using_subcommand add" -l fill -d 'With --update, also write the keys the document gives and the record lacks'
complete -c clerk -n "__fish_clerk_using_subcommand add" -l attachments -d 'For an e-mail, also add each attachment clerk can read as a source of its own (`part-of` the message)'
complete -c clerk -n "__fish_clerk_using_subcommand add" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c clerk -n "__fish_clerk_using_subcommand verify" -l allowed-signers -d 'The OpenSSH allowed_signers file naming whose keys may sign briefs (default: <root>/.clerk/allowed_signers when it exists)' -r -F
complete -c clerk -n "__fish_clerk_using_subcommand verify" -l signed-by -d 'Count only signatures by this principal of the allowed signers (as `ssh-keygen -Y verify -I`)' -r
complete -c clerk -n "__fish_clerk_using_subcommand verify" -l root -d 'The project folder (holding dossiers/ and sources/)' -r -F
complete -c clerk -n "__fish_clerk_using_subcommand verify" -l format -d 'How to print diagnostics: `human` (rustc-style) or `json` (one object per line, for CI)' -r -f -a "human\t''
json\t''"
complete -c clerk -n "__fish_clerk_using_subcommand verify" -s j -l jobs -d 'Parallel jobs: threads for hashing and checking, worker processes for typesetting (default: the available cores)' -r
complete -c clerk -n "__fish_clerk_using_subcommand verify" -l max-source-size -d 'Largest source file clerk reads (e.g. `512MiB`, `2GiB`); larger files are an error' -r
complete -c clerk -n "__fish_clerk_using_subcommand verify" -l color -d 'When to colour human output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c clerk -n "__fish_clerk_using_subcommand verify" -l require-signature -d 'Fail (exit 1) unless the PDF and every file verified with it carry a good signature by an allowed signer and no bad one'
complete -c clerk -n "__fish_clerk_using_subcommand verify" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c clerk -n "__fish_clerk_using_subcommand sign" -l key -d 'The OpenSSH private key to sign with (default: the key in CLERK_SIGNING_KEY, a path or the key itself)' -r -F
complete -c clerk -n "__fish_clerk_using_subcommand sign" -l passphrase-file -d 'The file holding the passphrase of a key that has one (its first line)' -r -F
complete -c clerk -n "__fish_clerk_using_subcommand sign" -l root -d 'The project folder (holding dossiers/ and sources/)' -r -F
complete -c clerk -n "__fish_clerk_using_subcommand sign" -l format -d 'How to print diagnostics: `human` (rustc-style) or `json` (one object per line, for CI)' -r -f -a "human\t''
json\t''"
complete -c clerk -n "__fish_clerk_using_subcommand sign" -s j -l jobs -d 'Parallel jobs: threads for hashing and checking, worker processes for typesetting (default: the available cores)' -r
complete -c clerk -n "__fish_clerk_using_subcommand sign" -l max-source-size -d 'Largest source file clerk reads (e.g. `512MiB`, `2GiB`); larger files are an error' -r
complete -c clerk -n "__fish_clerk_using_subcommand sign" -l color -d 'When to colour human output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c clerk -n "__fish_clerk_using_subcommand sign" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c clerk -n "__fish_clerk_using_subcommand diff" -l emit -d 'Write a redline page instead of the report: `html` (to --out, or standard output)' -r -f -a "html\t'A self-contained, accessible redline page'"
complete -c clerk -n "__fish_clerk_using_subcommand diff" -s o -l out -d 'With --emit html: the file to write the page to' -r -F
complete -c clerk -n "__fish_clerk_using_subcommand diff" -l root -d 'The project folder (holding dossiers/ and sources/)' -r -F
complete -c clerk -n "__fish_clerk_using_subcommand diff" -l format -d 'How to print diagnostics: `human` (rustc-style) or `json` (one object per line, for CI)' -r -f -a "human\t''
json\t''"
complete -c clerk -n "__fish_clerk_using_subcommand diff" -s j -l jobs -d 'Parallel jobs: threads for hashing and checking, worker processes for typesetting (default: the available cores)' -r
complete -c clerk -n "__fish_clerk_using_subcommand diff" -l max-source-size -d 'Largest source file clerk reads (e.g. `512MiB`, `2GiB`); larger files are an error' -r
complete -c clerk -n "__fish_clerk_using_subcommand diff" -l color -d 'When to colour human output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c clerk -n "__fish_clerk_using_subcommand diff" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c clerk -n "__fish_clerk_using_subcommand text" -l root -d 'The project folder (holding dossiers/ and sources/)' -r -F
complete -c clerk -n "__fish_clerk_using_subcommand text" -l format -d 'How to print diagnostics: `human` (rustc-style) or `json` (one object per line, for CI)' -r -f -a "human\t''
json\t''"
complete -c clerk -n "__fish_clerk_using_subcommand text" -s j -l jobs -d 'Parallel jobs: threads for hashing and checking, worker processes for typesetting (default: the available cores)' -r
complete -c clerk -n "__fish_clerk_using_subcommand text" -l max-source-size -d 'Largest source file clerk reads (e.g. `512MiB`, `2GiB`); larger files are an error' -r
complete -c clerk -n "__fish_clerk_using_subcommand text" -l color -d 'When to colour human output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c clerk -n "__fish_clerk_using_subcommand text" -l normalised -d 'Print the normalised text instead of the text as read'
complete -c clerk -n "__fish_clerk_using_subcommand text" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c clerk -n "__fish_clerk_using_subcommand find" -l limit -d 'Most passages to print (1 or more)' -r
complete -c clerk -n "__fish_clerk_using_subcommand find" -l root -d 'The project folder (holding dossiers/ and sources/)' -r -F
complete -c clerk -n "__fish_clerk_using_subcommand find" -l format -d 'How to print diagnostics: `human` (rustc-style) or `json` (one object per line, for CI)' -r -f -a "human\t''
json\t''"
complete -c clerk -n "__fish_clerk_using_subcommand find" -s j -l jobs -d 'Parallel jobs: threads for hashing and checking, worker processes for typesetting (default: the available cores)' -r
complete -c clerk -n "__fish_clerk_using_subcommand find" -l max-source-size -d 'Largest source file clerk reads (e.g. `512MiB`, `2GiB`); larger files are an error' -r
complete -c clerk -n "__fish_clerk_using_subcommand find" -l color -d 'When to colour human output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c clerk -n "__fish_clerk_using_subcommand find" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c clerk -n "__fish_clerk_using_subcommand template" -l root -d 'The project folder (holding dossiers/ and sources/)' -r -F
complete -c clerk -n "__fish_clerk_using_subcommand template" -l format -d 'How to print diagnostics: `human` (rustc-style) or `json` (one object per line, for CI)' -r -f -a "human\t''
json\t''"
complete -c clerk -n "__fish_clerk_using_subcommand template" -s j -l jobs -d 'Parallel jobs: threads for hashing and checking, worker processes for typesetting (default: the available cores)' -r
complete -c clerk -n "__fish_clerk_using_subcommand template" -l max-source-size -d 'Largest source file clerk reads (e.g. `512MiB`, `2GiB`); larger files are an error' -r
complete -c clerk -n "__fish_clerk_using_subcommand template" -l color -d 'When to colour human output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c clerk -n "__fish_clerk_using_subcommand template" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c clerk -n "__fish_clerk_using_subcommand typeset-worker" -l templates -d 'The project\'s templates folder' -r -F
complete -c clerk -n "__fish_clerk_using_subcommand typeset-worker" -l typeset-timeout -d 'Longest a brief may take, in seconds' -r
complete -c clerk -n "__fish_clerk_using_subcommand typeset-worker" -l root -d 'The project folder (holding dossiers/ and sources/)' -r -F
complete -c clerk -n "__fish_clerk_using_subcommand typeset-worker" -l format -d 'How to print diagnostics: `human` (rustc-style) or `json` (one object per line, for CI)' -r -f -a "human\t''
json\t''"
complete -c clerk -n "__fish_clerk_using_subcommand typeset-worker" -s j -l jobs -d 'Parallel jobs: threads for hashing and checking, worker processes for typesetting (default: the available cores)' -r
complete -c clerk -n "__fish_clerk_using_subcommand typeset-worker" -l max-source-size -d 'Largest source file clerk reads (e.g. `512MiB`, `2GiB`); larger files are an error' -r
complete -c clerk -n "__fish_clerk_using_subcommand typeset-worker" -l color -d 'When to colour human output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c clerk -n "__fish_clerk_using_subcommand typeset-worker" -s h -l help -d 'Print help'
complete -c clerk -n "__fish_clerk_using_subcommand schema" -l root -d 'The project folder (holding dossiers/ and sources/)' -r -F
complete -c clerk -n "__fish_clerk_using_subcommand schema" -l format -d 'How to print diagnostics: `human` (rustc-style) or `json` (one object per line, for CI)' -r -f -a "human\t''
json\t''"
complete -c clerk -n "__fish_clerk_using_subcommand schema" -s j -l jobs -d 'Parallel jobs: threads for hashing and checking, worker processes for typesetting (default: the available cores)' -r
complete -c clerk -n "__fish_clerk_using_subcommand schema" -l max-source-size -d 'Largest source file clerk reads (e.g. `512MiB`, `2GiB`); larger files are an error' -r
complete -c clerk -n "__fish_clerk_using_subcommand schema" -l color -d 'When to colour human output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c clerk -n "__fish_clerk_using_subcommand schema" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c clerk -n "__fish_clerk_using_subcommand completions" -l root -d 'The project folder (holding dossiers/ and sources/)' -r -F
complete -c clerk -n "__fish_clerk_using_subcommand completions" -l format -d 'How to print diagnostics: `human` (rustc-style) or `json` (one object per line, for CI)' -r -f -a "human\t''
json\t''"
complete -c clerk -n "__fish_clerk_using_subcommand completions" -s j -l jobs -d 'Parallel jobs: threads for hashing and checking, worker processes for typesetting (default: the available cores)' -r
complete -c clerk -n "__fish_clerk_using_subcommand completions" -l max-source-size -d 'Largest source file clerk reads (e.g. `512MiB`, `2GiB`); larger files are an error' -r
complete -c clerk -n "__fish_clerk_using_subcommand completions" -l color -d 'When to colour human output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c clerk -n "__fish_clerk_using_subcommand completions" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c clerk -n "__fish_clerk_using_subcommand help; and not __fish_seen_subcommand_from init new check build watch pin add verify sign diff text find template typeset-worker schema completions help" -f -a "init" -d 'Create a project, with a worked example that builds'
complete -c clerk -n "__fish_clerk_using_subcommand help; and not __fish_seen_subcommand_from init new check build watch pin add verify sign diff text find template typeset-worker schema completions help" -f -a "new" -d 'Start a dossier: write dossiers/<id>.toml to fill in'
complete -c clerk -n "__fish_clerk_using_subcommand help; and not __fish_seen_subcommand_from init new check build watch pin add verify sign diff text find template typeset-worker schema completions help" -f -a "check" -d 'Check dossiers against their sources: hashes, quotes, ids, links, balance'
complete -c clerk -n "__fish_clerk_using_subcommand help; and not __fish_seen_subcommand_from init new check build watch pin add verify sign diff text find template typeset-worker schema completions help" -f -a "build" -d 'Check, then typeset a PDF brief for every dossier without errors'
complete -c clerk -n "__fish_clerk_using_subcommand help; and not __fish_seen_subcommand_from init new check build watch pin add verify sign diff text find template typeset-worker schema completions help" -f -a "watch" -d 'Build, then rebuild whenever a dossier, source, record or template changes'
complete -c clerk -n "__fish_clerk_using_subcommand help; and not __fish_seen_subcommand_from init new check build watch pin add verify sign diff text find template typeset-worker schema completions help" -f -a "pin" -d 'Write the current SHA-256 of sources into a dossier\'s [sources]'
complete -c clerk -n "__fish_clerk_using_subcommand help; and not __fish_seen_subcommand_from init new check build watch pin add verify sign diff text find template typeset-worker schema completions help" -f -a "add" -d 'Add documents to sources/, each with a record read from the document for review'
complete -c clerk -n "__fish_clerk_using_subcommand help; and not __fish_seen_subcommand_from init new check build watch pin add verify sign diff text find template typeset-worker schema completions help" -f -a "verify" -d 'Verify built briefs against the project: inputs, quotes and bytes'
complete -c clerk -n "__fish_clerk_using_subcommand help; and not __fish_seen_subcommand_from init new check build watch pin add verify sign diff text find template typeset-worker schema completions help" -f -a "sign" -d 'Sign built briefs with an OpenSSH key, beside each file'
complete -c clerk -n "__fish_clerk_using_subcommand help; and not __fish_seen_subcommand_from init new check build watch pin add verify sign diff text find template typeset-worker schema completions help" -f -a "diff" -d 'Compare two versions of a brief, claim by claim, with the sources under it'
complete -c clerk -n "__fish_clerk_using_subcommand help; and not __fish_seen_subcommand_from init new check build watch pin add verify sign diff text find template typeset-worker schema completions help" -f -a "text" -d 'Print the text a source\'s quotes are held to, with line, paragraph and page numbers'
complete -c clerk -n "__fish_clerk_using_subcommand help; and not __fish_seen_subcommand_from init new check build watch pin add verify sign diff text find template typeset-worker schema completions help" -f -a "find" -d 'Find the passages of a source that best match some words, as evidence to paste'
complete -c clerk -n "__fish_clerk_using_subcommand help; and not __fish_seen_subcommand_from init new check build watch pin add verify sign diff text find template typeset-worker schema completions help" -f -a "template" -d 'Print a built-in template or locale, to start a project\'s own'
complete -c clerk -n "__fish_clerk_using_subcommand help; and not __fish_seen_subcommand_from init new check build watch pin add verify sign diff text find template typeset-worker schema completions help" -f -a "typeset-worker" -d 'Typeset briefs sent on standard input (started by `build --jobs N`)'
complete -c clerk -n "__fish_clerk_using_subcommand help; and not __fish_seen_subcommand_from init new check build watch pin add verify sign diff text find template typeset-worker schema completions help" -f -a "schema" -d 'Print the JSON Schema of a dossier, a source record or the brief as data'
complete -c clerk -n "__fish_clerk_using_subcommand help; and not __fish_seen_subcommand_from init new check build watch pin add verify sign diff text find template typeset-worker schema completions help" -f -a "completions" -d 'Print a shell completion script'
complete -c clerk -n "__fish_clerk_using_subcommand help; and not __fish_seen_subcommand_from init new check build watch pin add verify sign diff text find template typeset-worker schema completions help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
