// After a load drops a kept version: an index made for it (its ids, its search) goes with it.
DROP INDEX __NAME__ IF EXISTS
