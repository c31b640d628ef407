"""What the tests share: helpers and fixture data, imported by test modules and conftest modules.

A conftest module holds only pytest fixtures; a test module imports nothing from another test
module or from a conftest, only from here (tests/test_architecture.py keeps it so).

| module | what |
|---|---|
| `paths` | this checkout's folders, and a child Python that imports kundencheck from it |
| `git` | running git in a test's repository, committing files, writing hooks |
| `checklists` | the tests' checklists, as TOML texts and loaded |
| `runs` | runs built in memory, without git, on the small checklist of the history's tests |
| `report_story` | the reports' checklist (English and German) and three sprints going downhill |
| `history` | a repository with three sprints of history, committed through the store |
| `story` | the client story of the shipped build checklist, sprint by sprint |
| `portfolio` | client projects on bare remotes, and an agency's portfolio of them |
| `portfolio_histories` | a portfolio's projects' histories in memory, for the portfolio's pure core |
| `template` | filling in `kundencheck answer --template` |
| `pushing` | remotes, clones and hooks for the push tests |
| `apps` | the app on a fixed run or on a real repository, for pilot tests and snapshots |
| `screen` | what the terminal shows, as text |
| `pilot` | waiting for the app's workers and screens |
| `hostile` | texts, checklists and answers files made to break things |
| `values` | values TOML allows that break naive readers, in every key of a file |
| `faults` | git that fails, hangs or is killed at the Nth call |
| `tmux` | a real terminal, for the end-to-end tests |
| `ssh` | a real sshd on a free port, for the portfolio's ssh tests |
| `browsers` | pages opened in headless Chromium and Firefox (the invitation page's tests; the reports') |
| `golden` | comparing outputs with the files in tests/core/golden/ |
| `properties` | Hypothesis strategies for answers files and configs |
"""
