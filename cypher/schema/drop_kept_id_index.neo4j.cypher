// After a load drops a kept version: the index on its ids goes with it.
DROP INDEX __NAME__ IF EXISTS
