#pragma once
// The QtTest classes of viewmodel_tests, each run by main() in turn.

int runRecordFormTests(int argc, char** argv);
int runHouseholdListTests(int argc, char** argv);
int runHouseholdFileTests(int argc, char** argv);
int runSessionTests(int argc, char** argv);
int runLanguageTests(int argc, char** argv);
